#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <fastly_accounts/cli/commands.hpp>
#include <fastly_accounts/cli/exit_codes.hpp>
#include <fastly_accounts/util/strings.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// The completion script is generated from the CLI11 definition itself, so that a command or option added
// anywhere is completed without anyone remembering to: nothing here names a command or an option.

namespace fastly_accounts::cli {

namespace {

// What may follow an option: nothing (a flag), one of a set of words, a file, a directory, or anything.
struct OptionSpec {
    std::vector<std::string> names;  // "-f", "--file"
    std::string value;               // "", "words a b c", "files", "dirs" or "any"
};

struct CommandSpec {
    std::string path;  // the command words after the program name, joined by spaces; "" for the program
    std::vector<std::string> subcommands;
    std::vector<OptionSpec> options;
};

// Every word written into the script is one of the CLI's own names or choices; a character outside this
// set would need quoting, and would be a new kind of name the script was not written for.
const std::string& shell_word(const std::string& word) {
    const bool safe = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("-_.:+/@,").find(c) != std::string_view::npos;
    });
    if (!safe) {
        throw std::logic_error(fmt::format("completion: the name or choice '{}' needs shell quoting", word));
    }
    return word;
}

// The choices CLI11 shows in an option's type name: IsMember adds ":{a,b,c}" after the type name.
std::vector<std::string> choices(const std::string& type_name) {
    std::vector<std::string> words;
    const auto open = type_name.find(":{");
    const auto close = type_name.find('}', open);
    if (open == std::string::npos || close == std::string::npos) {
        return words;
    }
    std::string_view set = std::string_view(type_name).substr(open + 2, close - open - 2);
    while (!set.empty()) {
        const auto comma = set.find(',');
        words.emplace_back(set.substr(0, comma));
        set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
    }
    return words;
}

// What the script completes after `option`: its choices; else files or directories when its type name says
// it takes one (the CLI's own names: PATH, FILE, PLAN.json, DIR); else anything, left to the user.
std::string value_spec(const CLI::Option& option) {
    if (option.get_expected_min() == 0 || option.get_type_size_max() == 0) {
        return "";  // a flag
    }
    const std::string type_name = option.get_type_name();
    if (const auto words = choices(type_name); !words.empty()) {
        std::string spec = "words";
        for (const auto& word : words) {
            spec += " " + shell_word(word);
        }
        return spec;
    }
    const std::string type = type_name.substr(0, type_name.find(':'));
    if (type.find("DIR") != std::string::npos) {
        return "dirs";
    }
    if (type.find("PATH") != std::string::npos || type.find("FILE") != std::string::npos ||
        type.find(".json") != std::string::npos) {
        return "files";
    }
    return "any";
}

bool has_name(const std::vector<OptionSpec>& options, const std::string& name) {
    return std::any_of(options.begin(), options.end(), [&name](const OptionSpec& option) {
        return std::find(option.names.begin(), option.names.end(), name) != option.names.end();
    });
}

// The command at `path` and, depth first, every visible command below it. A command that falls through to
// its parent also accepts the parent's options (global options after the command).
void collect(const CLI::App& app, const std::string& path, const std::vector<OptionSpec>& inherited,
             std::vector<CommandSpec>& commands) {
    CommandSpec spec{path, {}, {}};
    for (const CLI::Option* option : app.get_options()) {
        if (option->get_group().empty() || !option->nonpositional()) {
            continue;  // hidden, or positional
        }
        OptionSpec entry{{}, value_spec(*option)};
        for (const auto& name : option->get_snames()) {
            entry.names.push_back("-" + shell_word(name));
        }
        for (const auto& name : option->get_lnames()) {
            entry.names.push_back("--" + shell_word(name));
        }
        spec.options.push_back(entry);
    }
    if (app.get_fallthrough()) {
        for (const auto& option : inherited) {
            if (std::none_of(option.names.begin(), option.names.end(),
                             [&spec](const std::string& name) { return has_name(spec.options, name); })) {
                spec.options.push_back(option);
            }
        }
    }
    const auto visible = [](const CLI::App* sub) { return !sub->get_group().empty() && !sub->get_disabled(); };
    std::vector<const CLI::App*> subcommands = app.get_subcommands(visible);
    for (const CLI::App* sub : subcommands) {
        spec.subcommands.push_back(shell_word(sub->get_name()));
        for (const auto& alias : sub->get_aliases()) {
            spec.subcommands.push_back(shell_word(alias));
        }
    }
    const std::vector<OptionSpec> options = spec.options;
    commands.push_back(std::move(spec));
    for (const CLI::App* sub : subcommands) {
        collect(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), options, commands);
    }
}

// The completion function; @F@ stands for its name.
constexpr const char* completion_function = R"(@F@() {
    local cur=${COMP_WORDS[COMP_CWORD]} path= word sub i option= value= prefix= words
    COMPREPLY=()
    # The command path: the command words before the cursor, passing over options and their values.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == -* ]]; then
            if [[ $word != *=* && -n $(@F@_value "$path" "$word") ]]; then
                ((i++))
                [[ ${COMP_WORDS[i]} == "=" ]] && ((i++))
            fi
            continue
        fi
        for sub in $(@F@_commands "$path"); do
            if [[ $word == "$sub" ]]; then
                path=${path:+$path }$word
                break
            fi
        done
    done
    # The option whose value is being typed: "--opt VALUE", "--opt=VALUE" (bash splits at "=" by default)
    if [[ $cur == "=" && $COMP_CWORD -ge 2 ]]; then
        option=${COMP_WORDS[COMP_CWORD - 1]}
        cur=
    elif [[ $COMP_CWORD -ge 3 && ${COMP_WORDS[COMP_CWORD - 1]} == "=" ]]; then
        option=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        option=${cur%%=*}
        prefix=$option=
        cur=${cur#*=}
    elif ((COMP_CWORD > 1)); then
        option=${COMP_WORDS[COMP_CWORD - 1]}
    fi
    [[ $option == -* ]] && value=$(@F@_value "$path" "$option")
    case $value in
        words\ *) words=${value#words } ;;
        files | dirs)
            compopt -o filenames 2>/dev/null
            if [[ $value == dirs ]]; then
                mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi
            return 0
            ;;
        any) return 0 ;;
        *)
            words=$(@F@_commands "$path")
            if [[ $cur == -* || -z $words ]]; then
                words=$(@F@_options "$path")
            fi
            ;;
    esac
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    if [[ -n $prefix ]]; then
        COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
    fi
    return 0
}
)";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

void write_bash(const std::string& program, const std::vector<CommandSpec>& commands, std::ostream& out) {
    std::string function = "_" + program;
    std::replace_if(
        function.begin(), function.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
    out << fmt::format(
        "# bash completion for {0}, generated from its command-line definition by `{0} completion bash`.\n"
        "# Installed as /usr/share/bash-completion/completions/{0}; or: source <({0} completion bash)\n\n",
        program);
    out << "# The subcommands of a command (its path: the command words after the program name).\n"
        << function << "_commands() {\n    case \"$1\" in\n";
    for (const auto& command : commands) {
        if (!command.subcommands.empty()) {
            out << fmt::format("        \"{}\") echo \"{}\" ;;\n", command.path, util::join(command.subcommands, " "));
        }
    }
    out << "    esac\n}\n\n# The options a command accepts, its own and those it inherits.\n"
        << function << "_options() {\n    case \"$1\" in\n";
    for (const auto& command : commands) {
        std::vector<std::string> names;
        for (const auto& option : command.options) {
            names.insert(names.end(), option.names.begin(), option.names.end());
        }
        out << fmt::format("        \"{}\") echo \"{}\" ;;\n", command.path, util::join(names, " "));
    }
    out << "    esac\n}\n\n# What follows an option of a command: \"words W...\", files, dirs or any; nothing for a "
           "flag.\n"
        << function << "_value() {\n    case \"$1|$2\" in\n";
    for (const auto& command : commands) {
        for (const auto& option : command.options) {
            if (option.value.empty()) {
                continue;
            }
            std::vector<std::string> patterns;
            for (const auto& name : option.names) {
                patterns.push_back(fmt::format("\"{}|{}\"", command.path, name));
            }
            out << fmt::format("        {}) echo \"{}\" ;;\n", util::join(patterns, " | "), option.value);
        }
    }
    out << "    esac\n}\n\n";
    out << replace_all(completion_function, "@F@", function);
    out << fmt::format("complete -F {} {}\n", function, program);
}

}  // namespace

CLI::App& add_completion_command(CLI::App& app, CompletionOptions& options) {
    auto* command = app.add_subcommand(
        "completion",
        "Print a shell completion script made from this command line: source <(fastly-accounts completion bash)");
    command->group("");  // hidden: a packaging aid, not a command people run day to day
    command->add_option("shell", options.shell, "The shell")->required()->check(CLI::IsMember({"bash"}));
    return *command;
}

int run_completion(const CLI::App& app, const CompletionOptions& /*options*/, std::ostream& out) {
    std::vector<CommandSpec> commands;
    collect(app, "", {}, commands);
    write_bash(app.get_name(), commands, out);
    return exit_ok;
}

}  // namespace fastly_accounts::cli
