'use strict';
// bench/run.sh: the reads `fastly-accounts plan` needs, done with Fastly's official `fastly` npm client the
// way a user would script it: one await after another, lists paginated with 100 per page where the API
// takes a page size. Prints one JSON line: {"requests", "wall_seconds", "counts"}.
//
// Usage: FASTLY_API_TOKEN=... node read_account.js http://127.0.0.1:PORT
//
// The client hard-codes https://api.fastly.com in every operation (basePath is ignored; fastly-account-api-notes.md, outside this repository, §12), so
// a superagent plugin rewrites each request's URL to the emulator. Only loopback endpoints are accepted.

const path = require('node:path');

const PER_PAGE = 100;
const MAX_PAGES = 10000; // a bound on every pagination loop

function main() {
  const base = process.argv[2];
  if (!base || !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(base)) {
    console.error('usage: node read_account.js http://127.0.0.1:PORT (loopback only)');
    process.exit(2);
  }
  const token = process.env.FASTLY_API_TOKEN;
  if (!token) {
    console.error('read_account.js: FASTLY_API_TOKEN is not set');
    process.exit(2);
  }
  return { base, token };
}

// Calls fetchPage(page) for page = 1, 2, ... until a page is short or the last page is reached.
async function allPages(fetchPage) {
  const items = [];
  for (let page = 1; page <= MAX_PAGES; ++page) {
    const answer = await fetchPage(page);
    const data = answer.data || [];
    items.push(...data);
    const total = answer.meta && answer.meta.total_pages;
    if (data.length < PER_PAGE || (typeof total === 'number' && page >= total)) {
      return items;
    }
  }
  throw new Error('read_account.js: more than ' + MAX_PAGES + ' pages');
}

async function readAccount(Fastly) {
  const customerApi = new Fastly.CustomerApi();
  const userApi = new Fastly.UserApi();
  const invitationsApi = new Fastly.InvitationsApi();
  const rolesApi = new Fastly.IamRolesApi();
  const permissionsApi = new Fastly.IamPermissionsApi();
  const serviceApi = new Fastly.ServiceApi();
  const serviceGroupsApi = new Fastly.IamServiceGroupsApi();
  const userGroupsApi = new Fastly.IamUserGroupsApi();

  const customer = await customerApi.getLoggedInCustomer();
  const me = await userApi.getCurrentUser();
  // GET /customer/{id}/users answers a bare array, without pagination.
  const users = await customerApi.listUsers({ customer_id: customer.id });
  const invitations = await allPages((page) =>
    invitationsApi.listInvitations({ page_number: page, page_size: PER_PAGE }));
  const roles = await allPages((page) => rolesApi.listRoles({ per_page: PER_PAGE, page }));
  const permissions = (await permissionsApi.listPermissions()).data || [];
  const rolePermissions = {};
  for (const role of roles.filter((r) => r.custom)) {
    rolePermissions[role.id] = ((await rolesApi.listRolePermissions({ role_id: role.id })).data || []);
  }
  // GET /service is a bare array; the emulator serves it whole.
  const services = await serviceApi.listServices();

  const serviceGroups = await allPages((page) => serviceGroupsApi.listServiceGroups({ per_page: PER_PAGE, page }));
  const serviceGroupServices = {};
  for (const group of serviceGroups) {
    serviceGroupServices[group.id] = await allPages((page) => serviceGroupsApi.listServiceGroupServices({
      service_group_id: group.id, per_page: PER_PAGE, page }));
  }

  const userGroups = await allPages((page) => userGroupsApi.listUserGroups({ per_page: PER_PAGE, page }));
  const groupDetails = {};
  for (const group of userGroups) {
    const id = group.id;
    const members = await allPages((page) =>
      userGroupsApi.listUserGroupMembers({ user_group_id: id, per_page: PER_PAGE, page }));
    const groupRoles = await allPages((page) =>
      userGroupsApi.listUserGroupRoles({ user_group_id: id, per_page: PER_PAGE, page }));
    const groupServiceGroups = await allPages((page) =>
      userGroupsApi.listUserGroupServiceGroups({ user_group_id: id, per_page: PER_PAGE, page }));
    groupDetails[id] = { members, roles: groupRoles, service_groups: groupServiceGroups };
  }

  let memberships = 0;
  for (const details of Object.values(groupDetails)) {
    memberships += details.members.length;
  }
  return {
    customer: customer.id,
    current_user: me.login,
    users: users.length,
    invitations: invitations.length,
    roles: roles.length,
    custom_roles: Object.keys(rolePermissions).length,
    permissions: permissions.length,
    services: services.length,
    service_groups: serviceGroups.length,
    user_groups: userGroups.length,
    memberships,
  };
}

async function run() {
  const { base, token } = main();
  const Fastly = require(path.join(__dirname, 'node_modules', 'fastly'));
  const client = Fastly.ApiClient.instance;
  client.authenticate(token);
  let requests = 0;
  client.plugins = [(request) => {
    requests += 1;
    request.url = request.url.replace('https://api.fastly.com', base);
  }];
  const started = process.hrtime.bigint();
  const counts = await readAccount(Fastly);
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ requests, wall_seconds: wallSeconds, counts }) + '\n');
}

run().catch((error) => {
  const status = error && error.status ? ` (HTTP ${error.status})` : '';
  console.error(`read_account.js: ${error && error.message ? error.message : error}${status}`);
  process.exit(1);
});
