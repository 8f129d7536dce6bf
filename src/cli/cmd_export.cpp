#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/cli/session.hpp>
#include <fastly_accounts/config/writer.hpp>
#include <fastly_accounts/live/fetch.hpp>
#include <fastly_accounts/util/error.hpp>
#include <fastly_accounts/util/files.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <fastly_accounts/util/text_safety.hpp>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

namespace fastly_accounts::cli {

namespace {

namespace fs = std::filesystem;

void sort_list(std::optional<std::vector<std::string>>& list, bool emails) {
    if (list) {
        std::sort(list->begin(), list->end(), [emails](const std::string& a, const std::string& b) {
            return emails ? model::email_key(a) < model::email_key(b) : a < b;
        });
    }
}

// The grants of service-limited users, each service by its name where that names it alone (no other service
// has it, nor has it as an ID, and it holds no character validate refuses), else by its ID. The grants of a
// user who is not service-limited limit nobody and are not written: the files could not hold them.
void name_grants(const model::LiveAccount& live, model::AccountState& state) {
    std::map<std::string, std::size_t> uses;
    for (const auto& service : live.services) {
        ++uses[service.name];
        ++uses[service.id];
    }
    std::map<std::string, std::string> label;
    for (const auto& service : live.services) {
        const bool unique = !service.name.empty() && uses[service.name] == 1 && !util::find_disguising(service.name);
        label[service.id] = unique ? service.name : service.id;
    }
    for (auto& user : state.users) {
        if (user.limit_services != true || !user.services) {
            user.services.reset();
            continue;
        }
        model::ServiceGrants named;
        for (const auto& [id, permission] : *user.services) {
            auto it = label.find(id);
            named[it != label.end() ? it->second : id] = permission;
        }
        user.services = std::move(named);
    }
}

// The live account as a desired-state file would hold it: custom roles only, pending invitations only,
// every managed field set, and everything in a stable order so that two exports diff cleanly.
model::AccountState desired_from_live(const model::LiveAccount& live) {
    model::AccountState state = live.state;
    state.customer_id = live.customer.id;
    // An expired invitation is not exported, and neither is its place in a group: the file would name a
    // member it does not define. The plan leaves such dead memberships alone.
    std::set<std::string> dropped;
    for (const auto& invitation : state.invitations) {
        if (!invitation.active) {
            dropped.insert(model::email_key(invitation.email));
        }
    }
    for (const auto& user : state.users) {
        dropped.erase(model::email_key(user.login));
    }
    std::erase_if(state.invitations, [](const model::Invitation& i) { return !i.active; });
    for (auto& group : state.user_groups) {
        if (group.members) {
            std::erase_if(*group.members, [&](const std::string& m) { return dropped.count(model::email_key(m)) > 0; });
        }
    }
    name_grants(live, state);
    state.customer = live.settings;
    state.customer->where = {};
    // A contact whose user the account does not list ("(user ID …)") cannot be written as a login.
    std::erase_if(state.customer->contacts,
                  [](const auto& entry) { return entry.second && !model::looks_like_email(*entry.second); });
    auto by_email = [](const auto& a, const auto& b) { return model::email_key(a) < model::email_key(b); };
    std::sort(state.users.begin(), state.users.end(),
              [&](const auto& a, const auto& b) { return by_email(a.login, b.login); });
    std::sort(state.invitations.begin(), state.invitations.end(),
              [&](const auto& a, const auto& b) { return by_email(a.email, b.email); });
    auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
    std::sort(state.roles.begin(), state.roles.end(), by_name);
    std::sort(state.service_groups.begin(), state.service_groups.end(), by_name);
    std::sort(state.user_groups.begin(), state.user_groups.end(), by_name);
    for (auto& user : state.users) {
        sort_list(user.roles, false);
    }
    for (auto& invitation : state.invitations) {
        sort_list(invitation.roles, false);
    }
    for (auto& role : state.roles) {
        sort_list(role.permissions, false);
        if (role.description && role.description->empty()) {
            role.description.reset();
        }
    }
    for (auto& group : state.service_groups) {
        sort_list(group.services, false);
        if (group.description && group.description->empty()) {
            group.description.reset();
        }
    }
    for (auto& group : state.user_groups) {
        sort_list(group.roles, false);
        sort_list(group.service_groups, false);
        sort_list(group.members, true);
        if (group.description && group.description->empty()) {
            group.description.reset();
        }
    }
    return state;
}

// Objects whose key holds a character that can disguise text (a bidi override, a zero-width space, a
// control) cannot be written: validate refuses such keys. They are left out, and so is every list that
// names one (a user's roles, a group's members): a list left out is not managed, so the next plan takes
// nothing away. Each omission is a note for the operator.
void leave_out_disguised(model::AccountState& state, std::vector<std::string>& notes) {
    std::set<std::string> people;  // email keys
    std::set<std::string> roles;
    std::set<std::string> service_groups;
    auto drop = [&](auto& objects, auto key_of, model::Kind kind, std::set<std::string>* names) {
        std::erase_if(objects, [&](const auto& object) {
            const std::string& key = key_of(object);
            const auto bad = util::find_disguising(key);
            // A custom role named like a predefined one ("Engineer") cannot be written either: the files name
            // predefined roles that way, and validate refuses to define one.
            const bool predefined_name = kind == model::Kind::roles && model::is_predefined_role(key);
            if (!bad && !predefined_name) {
                return false;
            }
            notes.push_back(bad ? fmt::format("not exported: {} '{}': its name holds {}; rename it in Fastly (plans "
                                              "show it as unmanaged, escaped)",
                                              model::noun(kind), util::escape_disguising(key),
                                              util::describe_code_point(*bad))
                                : fmt::format("not exported: custom role '{}': its name is a predefined role's; rename "
                                              "it in Fastly (plans show it as unmanaged)",
                                              util::escape_disguising(key)));
            if (names != nullptr) {
                names->insert(model::keyed_by_email(kind) ? model::email_key(key) : key);
            }
            return true;
        });
    };
    drop(
        state.users, [](const model::User& u) -> const std::string& { return u.login; }, model::Kind::users, &people);
    drop(
        state.invitations, [](const model::Invitation& i) -> const std::string& { return i.email; },
        model::Kind::invitations, &people);
    drop(
        state.roles, [](const model::Role& r) -> const std::string& { return r.name; }, model::Kind::roles, &roles);
    drop(
        state.service_groups, [](const model::ServiceGroup& g) -> const std::string& { return g.name; },
        model::Kind::service_groups, &service_groups);
    drop(
        state.user_groups, [](const model::UserGroup& g) -> const std::string& { return g.name; },
        model::Kind::user_groups, nullptr);
    auto unmanage = [&](std::optional<std::vector<std::string>>& list, const std::set<std::string>& names, bool emails,
                        const std::string& owner, const char* field) {
        if (!list || names.empty()) {
            return;
        }
        const bool names_one = std::any_of(list->begin(), list->end(), [&](const std::string& entry) {
            return names.count(emails ? model::email_key(entry) : entry) > 0;
        });
        if (names_one) {
            list.reset();
            notes.push_back(
                fmt::format("not exported: the {} of {}, which name an object left out above; "
                            "they stay as they are (not managed)",
                            field, util::escape_disguising(owner)));
        }
    };
    for (auto& user : state.users) {
        unmanage(user.roles, roles, false, fmt::format("user '{}'", user.login), "roles");
    }
    for (auto& invitation : state.invitations) {
        unmanage(invitation.roles, roles, false, fmt::format("invitation '{}'", invitation.email), "roles");
    }
    for (auto& group : state.user_groups) {
        const std::string owner = fmt::format("user group '{}'", group.name);
        unmanage(group.roles, roles, false, owner, "roles");
        unmanage(group.service_groups, service_groups, false, owner, "service_groups");
        unmanage(group.members, people, true, owner, "members");
    }
}

constexpr const char* schema_in_repository = "schemas/fastly-accounts.schema.json";

// What the yaml-language-server comment names: --schema as given ("" for no comment); else the
// repository's own copy of the schema, `schemas/fastly-accounts.schema.json` in the directory of the file
// written (the working directory for stdout) or the nearest one above it, up to the repository's root
// (the first directory holding .git), relative to the file; else nothing. Only the files' own tree
// decides, never where the binary was built or installed.
std::string schema_reference(const std::string& out_path, const std::optional<std::string>& option) {
    if (option) {
        return *option;
    }
    std::error_code ec;
    const bool to_stdout = out_path.empty() || out_path == "-";
    const fs::path base = to_stdout ? fs::current_path(ec) : fs::absolute(out_path, ec).parent_path();
    if (ec) {
        return "";
    }
    for (fs::path dir = base;; dir = dir.parent_path()) {
        if (fs::is_regular_file(dir / schema_in_repository, ec)) {
            return fs::relative(dir / schema_in_repository, base, ec).generic_string();
        }
        if (fs::exists(dir / ".git", ec) || dir == dir.parent_path()) {
            return "";
        }
    }
}

}  // namespace

CLI::App& add_export_command(CLI::App& app, ExportOptions& options) {
    auto* command = app.add_subcommand("export", "Write the live account as a desired-state file.");
    command
        ->add_option("--out", options.out,
                     "Write to this file (replaced atomically; a symlink's target is replaced, the link kept) "
                     "instead of stdout; - is stdout")
        ->type_name("FILE");
    command
        ->add_option("--schema", options.schema,
                     "What the file's yaml-language-server comment names as its schema (a path relative to the "
                     "file, or a URL); '' writes no comment. Default: the repository's "
                     "schemas/fastly-accounts.schema.json, found from the file's directory upwards, if any")
        ->type_name("REF")
        ->check([](const std::string& ref) -> std::string {
            // The reference is written into a comment line: a line break would start YAML of its own.
            if (auto bad = util::find_disguising(ref)) {
                return fmt::format("'{}' holds {}; a schema reference is a path or a URL on one line",
                                   util::escape_disguising(ref), util::describe_code_point(*bad));
            }
            return "";
        });
    command->footer(
        "The file holds every user (with the services of service-limited users, by name where the name is\n"
        "unique), pending invitation, custom role, service group and user group, with\n"
        "customer_id filled in and a stable order. Predefined roles are referenced by name. Running `plan`\n"
        "on it against the same account shows nothing to do. Needs a token (FASTLY_API_TOKEN or --token-file).");
    return *command;
}

int run_export(const GlobalOptions& global, const ExportOptions& options, std::ostream& out, std::ostream& err) {
    Session session(global);
    const model::LiveAccount live = live::fetch_account(session.api(), session.concurrency());
    session.log_summary();
    model::AccountState state = desired_from_live(live);
    std::vector<std::string> notes = live.read_notes;
    leave_out_disguised(state, notes);
    for (const auto& invitation : live.state.invitations) {
        if (!invitation.active) {
            notes.push_back(
                fmt::format("not exported: the expired invitation of '{}' (list it under invitations to "
                            "send it again, or prune invitations to delete it)",
                            util::escape_disguising(invitation.email)));
        }
    }
    for (const auto& note : notes) {
        err << "export: " << note << "\n";
    }
    std::ostringstream text;
    config::write_desired_state(state, schema_reference(options.out, options.schema), text);
    if (options.out.empty() || options.out == "-") {
        out << text.str();
    } else {
        util::write_file_atomically(options.out, text.str());
        err << fmt::format("exported {}, {}, {}, {}, {} to {}\n", util::plural(state.users.size(), "user", "users"),
                           util::plural(state.invitations.size(), "invitation", "invitations"),
                           util::plural(state.roles.size(), "custom role", "custom roles"),
                           util::plural(state.service_groups.size(), "service group", "service groups"),
                           util::plural(state.user_groups.size(), "user group", "user groups"), options.out);
    }
    return exit_ok;
}

}  // namespace fastly_accounts::cli
