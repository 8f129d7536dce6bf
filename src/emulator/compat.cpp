#include "compat.hpp"

#include <charconv>
#include <functional>
#include <stdexcept>

namespace fastly_emulator {

using nlohmann::json;

namespace {

// One enum switch: its key, the names of its values in enum order, and how to read and write it.
struct EnumSwitch {
    const char* key;
    std::vector<std::string> values;
    std::function<int(const Compat&)> get;
    std::function<void(Compat&, int)> set;
};

template <class E>
EnumSwitch enum_switch(const char* key, std::vector<std::string> values, E Compat::*member) {
    return {key, std::move(values), [member](const Compat& c) { return static_cast<int>(c.*member); },
            [member](Compat& c, int v) { c.*member = static_cast<E>(v); }};
}

const std::vector<EnumSwitch>& enum_switches() {
    static const std::vector<EnumSwitch> switches{
        enum_switch("legacy_roles", {"available", "retired"}, &Compat::legacy_roles),
        enum_switch("iam_envelope", {"meta", "data", "array"}, &Compat::iam_envelope),
        enum_switch("page_size_over", {"reject", "clamp"}, &Compat::page_size_over),
        enum_switch("paging", {"honoured", "ignored", "first_page"}, &Compat::paging),
        enum_switch("permissions_envelope", {"data", "array"}, &Compat::permissions_envelope),
        enum_switch("list_entries", {"full", "minimal"}, &Compat::list_entries),
        enum_switch("group_counts", {"documented", "all", "none"}, &Compat::group_counts),
        enum_switch("error_bodies", {"classic", "jsonapi"}, &Compat::error_bodies),
        enum_switch("delete_user_with_tokens", {"cascade", "refuse"}, &Compat::delete_user_with_tokens),
        enum_switch("invitation_attributes", {"full", "email_only"}, &Compat::invitation_attributes),
        enum_switch("service_auth_bulk_delete", {"empty", "deleted", "no_content"}, &Compat::service_auth_bulk_delete),
        enum_switch("delete_contact_user", {"clear", "refuse"}, &Compat::delete_contact_user),
        enum_switch("ip_whitelist_empty", {"none", "any"}, &Compat::ip_whitelist_empty),
        enum_switch("events_default_sort", {"-created_at", "created_at"}, &Compat::events_default_sort),
        enum_switch("events_sort", {"honoured", "ignored"}, &Compat::events_sort),
        enum_switch("events_meta", {"present", "absent"}, &Compat::events_meta),
        enum_switch("events_metadata", {"subjects", "changes_only"}, &Compat::events_metadata),
    };
    return switches;
}

constexpr const char* page_size_max_key = "page_size_max";
constexpr std::size_t page_size_limit = 1000000;

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& value : values) {
        out += (out.empty() ? "" : ", ") + value;
    }
    return out;
}

}  // namespace

const std::vector<std::string>& compat_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        for (const EnumSwitch& s : enum_switches()) {
            out.emplace_back(s.key);
            if (out.back() == "iam_envelope") {
                out.emplace_back(page_size_max_key);
            }
        }
        return out;
    }();
    return keys;
}

json to_json(const Compat& compat) {
    json out = json::object();
    for (const EnumSwitch& s : enum_switches()) {
        out[s.key] = s.values[static_cast<std::size_t>(s.get(compat))];
    }
    out[page_size_max_key] = compat.page_size_max;
    return out;
}

void set_compat(Compat& compat, const std::string& key, const std::string& value) {
    if (key == page_size_max_key) {
        std::size_t size = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), size);
        if (ec != std::errc() || end != value.data() + value.size() || size == 0 || size > page_size_limit) {
            throw std::invalid_argument("compat " + key + ": '" + value + "' is not a number from 1 to " +
                                        std::to_string(page_size_limit));
        }
        compat.page_size_max = size;
        return;
    }
    for (const EnumSwitch& s : enum_switches()) {
        if (key != s.key) {
            continue;
        }
        for (std::size_t i = 0; i < s.values.size(); ++i) {
            if (s.values[i] == value) {
                s.set(compat, static_cast<int>(i));
                return;
            }
        }
        throw std::invalid_argument("compat " + key + ": '" + value + "' is not one of " + joined(s.values));
    }
    throw std::invalid_argument("unknown compat switch '" + key + "'; the switches are " + joined(compat_keys()));
}

Compat compat_from_json(const json& doc, const Compat& base) {
    if (!doc.is_object()) {
        throw std::invalid_argument("the compat switches must be a JSON object of key -> value");
    }
    Compat out = base;
    for (const auto& item : doc.items()) {
        const json& value = item.value();
        if (value.is_string()) {
            set_compat(out, item.key(), value.get<std::string>());
        } else if (value.is_number_unsigned() || value.is_number_integer()) {
            set_compat(out, item.key(), value.dump());
        } else {
            throw std::invalid_argument("compat " + item.key() + ": expected a string or a number");
        }
    }
    return out;
}

}  // namespace fastly_emulator
