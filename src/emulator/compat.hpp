#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fastly_emulator {

/// How the emulator behaves where Fastly's real API is not recorded or not documented. Every switch
/// defaults to the recorded behaviour when there is a recording, and to the emulator's long-standing
/// behaviour otherwise; README.md lists each one with its evidence. Set with `--compat KEY=VALUE` or
/// `PUT /_emulator/compat`.
struct Compat {
    /// The legacy `/roles` API (custom-role CRUD): answering, or retired (every `/roles` path 404).
    enum class LegacyRoles { available, retired };
    /// The envelope of IAM page/per_page lists: `{data, meta}`, `{data}` alone, or a bare array.
    enum class IamEnvelope { meta, data, array };
    /// What a page size above `page_size_max` gets: 400, or silently the maximum.
    enum class PageSizeOver { reject, clamp };
    /// Whether IAM lists honour `page`/`per_page`; answer the whole list whatever is asked; or honour the
    /// page size but answer the first page whatever `page` says.
    enum class Paging { honoured, ignored, first_page };
    /// The envelope of GET /permissions: `{data, meta}` or a bare array.
    enum class PermissionsEnvelope { data, array };
    /// Entries of the members, roles, service-groups and services sub-lists: with names, or bare.
    enum class ListEntries { full, minimal };
    /// The `*_count` fields of user groups and service groups.
    enum class GroupCounts { documented, all, none };
    /// The error bodies of the JSON:API and IAM families: classic `{"msg","detail"}` or `{"errors":[...]}`.
    enum class ErrorBodies { classic, jsonapi };
    /// DELETE /user/{id} of a user who holds API tokens: the tokens go too, or 400.
    enum class DeleteUserWithTokens { cascade, refuse };
    /// The attributes of an invitation as answered: every documented one, or only email, status_code and
    /// the timestamps (the generated clients' models keep only timestamps; role, roles and limit_services
    /// are then unknown to a reader).
    enum class InvitationAttributes { full, email_only };
    /// The answer to a bulk DELETE /service-authorizations: 200 `{"data":[]}`, 200 with the deleted
    /// records in `data`, or 204 with no body (the client's model is `{data: [...]}`; its content unknown).
    enum class ServiceAuthBulkDelete { empty, deleted, no_content };
    /// DELETE /user/{id} of a user who is one of the customer's contacts (security, technical, billing,
    /// legal): the contact becomes null, or 400.
    enum class DeleteContactUser { clear, refuse };
    /// What an empty `ip_whitelist` means: no address is allowed (so a PUT of it locks the caller out and
    /// is refused), or no restriction, like `0.0.0.0/0`.
    enum class IpWhitelistEmpty { none, any };
    /// The order of GET /events without `sort`: newest first (what the recording shows) or oldest first
    /// (the documented default `created_at`).
    enum class EventsDefaultSort { newest_first, oldest_first };
    /// Whether GET /events honours its `sort` parameter, or ignores it and answers in the default order
    /// (events_default_sort) whatever is asked. No recording asks for a sort; a client that asks newest
    /// first must not rely on it.
    enum class EventsSort { honoured, ignored };
    /// Whether GET /events answers `meta` beside `data` and `links` (the documented model), or not (the
    /// 2019 recording has none).
    enum class EventsMeta { present, absent };
    /// What an event's `metadata` holds as answered: the subject's IDs and names beside the changed
    /// fields, or the changed fields (`{old, new}`) alone (no recording shows which).
    enum class EventsMetadata { subjects, changes_only };

    LegacyRoles legacy_roles = LegacyRoles::available;
    IamEnvelope iam_envelope = IamEnvelope::meta;
    std::size_t page_size_max = 1000;  ///< of per_page, limit and page[size]
    PageSizeOver page_size_over = PageSizeOver::reject;
    Paging paging = Paging::honoured;
    PermissionsEnvelope permissions_envelope = PermissionsEnvelope::data;
    ListEntries list_entries = ListEntries::full;
    GroupCounts group_counts = GroupCounts::documented;
    ErrorBodies error_bodies = ErrorBodies::classic;
    DeleteUserWithTokens delete_user_with_tokens = DeleteUserWithTokens::cascade;
    InvitationAttributes invitation_attributes = InvitationAttributes::full;
    ServiceAuthBulkDelete service_auth_bulk_delete = ServiceAuthBulkDelete::empty;
    DeleteContactUser delete_contact_user = DeleteContactUser::clear;
    IpWhitelistEmpty ip_whitelist_empty = IpWhitelistEmpty::none;
    EventsDefaultSort events_default_sort = EventsDefaultSort::newest_first;
    EventsSort events_sort = EventsSort::honoured;
    EventsMeta events_meta = EventsMeta::present;
    EventsMetadata events_metadata = EventsMetadata::subjects;
};

/// Every switch with its current value, as `{"legacy_roles": "available", "page_size_max": 1000, ...}`.
nlohmann::json to_json(const Compat& compat);

/// Sets one switch from its text form (`page_size_max` takes a number 1-1000000). Throws
/// std::invalid_argument naming the key and the values it takes.
void set_compat(Compat& compat, const std::string& key, const std::string& value);

/// `base` with the switches of `doc` (an object of key -> value, numbers as JSON numbers or text) set.
/// Throws std::invalid_argument for an unknown key or value; `base` is then unchanged.
Compat compat_from_json(const nlohmann::json& doc, const Compat& base);

/// The names of every switch, in README order.
const std::vector<std::string>& compat_keys();

}  // namespace fastly_emulator
