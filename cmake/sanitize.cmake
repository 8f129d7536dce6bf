# -DFASTLY_ACCOUNTS_SANITIZE=address,undefined: built out in issue 7.
