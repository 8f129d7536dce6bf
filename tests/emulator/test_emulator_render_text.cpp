// The text writers of the big list answers give exactly the bytes of their nlohmann::json twins.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "json_text.hpp"
#include "render.hpp"
#include "request_util.hpp"

using namespace fastly_emulator;
using fastly_emulator::testing::Harness;
using nlohmann::json;

namespace {

// Names with quotes, backslashes, control characters and non-ASCII text, and optional fields both set
// and unset, so every escaping and null path is compared.
json tricky_seed() {
    return json::parse(R"({
      "users": [
        {"login": "owner@example.com", "name": "Owner \"Boss\" \\ O'Neil", "role": "superuser"},
        {"login": "zoe@example.com", "name": "Zoë Ünïcødé 東京 😀", "role": "engineer",
         "roles": ["engineer"], "limit_services": true, "locked": false, "require_new_password": true,
         "two_factor_auth_enabled": true, "created_at": "1999-12-31T23:59:59Z"},
        {"login": "ctl@example.com", "name": "tab\there\nnew line\u0001\u001f end", "role": "user",
         "locked": true}
      ],
      "services": [{"name": "www"}, {"name": "api"}],
      "service_groups": [{"name": "prod \"main\"", "description": "Zoë's\tservices", "services": ["www", "api"]},
                         {"name": "empty", "description": ""}],
      "invitations": [{"email": "inv@example.com", "role": "engineer", "roles": ["engineer"],
                       "created_at": "2024-01-10T00:00:00Z",
                       "service_invitations": [{"service": "www", "permission": "purge_all"}]},
                      {"email": "old@example.com", "created_at": "2020-02-29T12:00:00Z"}],
      "user_groups": [{"name": "SRE \\ ops", "description": "line\nbreak", "roles": ["engineer"],
                       "service_groups": ["empty"],
                       "members": ["zoe@example.com", "ctl@example.com", {"invitation": "inv@example.com"}]},
                      {"name": "none"}]
    })");
}

template <class Fn>
std::string text_of(Fn&& fn) {
    std::string text;
    JsonText out(text);
    fn(out);
    return text;
}

ApiRequest page_request(std::multimap<std::string, std::string> query) {
    ApiRequest request;
    request.method = "GET";
    request.path = "/x";
    request.query = std::move(query);
    request.headers["host"] = "emulator.test:1234";
    return request;
}

// The paging switches in every combination that changes a page's shape.
std::vector<Compat> compat_variants() {
    std::vector<Compat> out;
    for (auto envelope : {Compat::IamEnvelope::meta, Compat::IamEnvelope::data, Compat::IamEnvelope::array}) {
        for (auto paging : {Compat::Paging::honoured, Compat::Paging::ignored}) {
            Compat compat;
            compat.iam_envelope = envelope;
            compat.paging = paging;
            compat.page_size_max = 4;
            compat.page_size_over = Compat::PageSizeOver::clamp;
            out.push_back(compat);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("the text writers give the bytes of render_*().dump() for users, groups, members, invitations") {
    Harness h({}, tricky_seed());
    h.emulator.with_store([](Store& store) {
        // A member whose user is gone renders nulls in both forms.
        store.add_members(store.user_groups.rows()[1],
                          {{MemberKind::user, "gone-user-id"}, {MemberKind::invitation, "gone-invitation-id"}});
        store.users.rows()[2].last_active_at = 1705314000;
        for (const User& user : store.users.rows()) {
            CHECK(text_of([&](JsonText& out) { write_user(out, store, user); }) == render_user(store, user).dump());
        }
        using Counts = Compat::GroupCounts;
        for (Counts counts : {Counts::documented, Counts::all, Counts::none}) {
            for (const ServiceGroup& group : store.service_groups.rows()) {
                CHECK(text_of([&](JsonText& out) { write_service_group(out, group, counts); }) ==
                      render_service_group(group, counts).dump());
            }
            for (const UserGroup& group : store.user_groups.rows()) {
                CHECK(text_of([&](JsonText& out) { write_user_group(out, group, counts); }) ==
                      render_user_group(group, counts).dump());
            }
        }
        for (const UserGroup& group : store.user_groups.rows()) {
            for (Compat::ListEntries entries : {Compat::ListEntries::full, Compat::ListEntries::minimal}) {
                for (const Member& member : group.members) {
                    CHECK(text_of([&](JsonText& out) { write_member(out, store, member, entries); }) ==
                          render_member(store, member, entries).dump());
                }
            }
        }
        for (const Invitation& invitation : store.invitations.rows()) {
            CHECK(text_of([&](JsonText& out) { write_invitation(out, store, invitation); }) ==
                  render_invitation(store, invitation).dump());
        }
        return 0;
    });
}

TEST_CASE("JsonText: timestamps, numbers and strings match nlohmann's dump; invalid UTF-8 is refused alike") {
    for (EpochSeconds t : {EpochSeconds{0}, EpochSeconds{-1}, EpochSeconds{-62167219200}, EpochSeconds{951782400},
                           EpochSeconds{951868799}, EpochSeconds{1705314000}, EpochSeconds{4102444800},
                           EpochSeconds{253402300799}, EpochSeconds{253402300800}, EpochSeconds{-62167219201}}) {
        CAPTURE(t);
        CHECK(text_of([&](JsonText& out) { out.timestamp(t); }) == json(format_timestamp(t)).dump());
    }
    for (EpochSeconds t = -5000000000; t < 8000000000; t += 86399 * 37 + 13) {
        REQUIRE(text_of([&](JsonText& out) { out.timestamp(t); }) == json(format_timestamp(t)).dump());
    }
    for (const std::string& s :
         {std::string(), std::string("plain ascii text, longer than eight bytes"), std::string("a\"b"),
          std::string("12345678\\"), std::string("1234567\x7f"), std::string("\x1f"), std::string("abcdefgh\x01"),
          std::string("é"), std::string("ascii-then-\xc3\xa9"), std::string("\x20\x21\x23\x5b\x5d\x7e")}) {
        CHECK(text_of([&](JsonText& out) { out.string(s); }) == json(s).dump());
    }
    std::string invalid = "bad \xff utf-8";
    CHECK_THROWS(json(invalid).dump());
    CHECK_THROWS(text_of([&](JsonText& out) { out.string(invalid); }));
    CHECK(text_of([](JsonText& out) {
              out.begin_array();
              out.number(-7);
              out.number(std::uint64_t{18446744073709551615ULL});
              out.begin_object();
              out.end_object();
              out.begin_array();
              out.end_array();
              out.null();
              out.end_array();
          }) == json::parse("[-7, 18446744073709551615, {}, [], null]").dump());
}

TEST_CASE("iam_page_text and jsonapi_page_text match their document twins on every page shape") {
    auto item = [](size_t i) { return json{{"i", i}, {"name", "n\"" + std::to_string(i)}}; };
    auto write_item = [&](JsonText& out, size_t i) {
        out.begin_object();
        out.member("i", static_cast<std::uint64_t>(i));
        out.member("name", "n\"" + std::to_string(i));
        out.end_object();
    };
    for (size_t total : {0, 1, 7, 20, 21, 100}) {
        for (const auto& query :
             std::vector<std::multimap<std::string, std::string>>{{},
                                                                  {{"page", "2"}, {"per_page", "7"}},
                                                                  {{"page", "50"}, {"per_page", "3"}},
                                                                  {{"cursor", ""}, {"per_page", "5"}},
                                                                  {{"cursor", "5"}, {"limit", "5"}},
                                                                  {{"cursor", "95"}, {"per_page", "10"}}}) {
            for (const Compat& compat : compat_variants()) {
                PageRequest page = iam_page_request(page_request(query), compat);
                CHECK(iam_page_text(total, page, write_item) == iam_page(total, page, item).dump());
            }
        }
        for (const auto& query : std::vector<std::multimap<std::string, std::string>>{
                 {}, {{"page[number]", "2"}, {"page[size]", "5"}}, {{"page[number]", "9"}, {"page[size]", "3"}}}) {
            ApiRequest request = page_request(query);
            for (const Compat& compat : compat_variants()) {
                CHECK(jsonapi_page_text(total, request, compat, "/invitations", write_item) ==
                      jsonapi_page(total, request, compat, "/invitations", item).dump());
            }
        }
    }
}

TEST_CASE("list answers over the emulator are the same documents as before (bare array, envelopes)") {
    Harness h({}, tricky_seed());
    std::string customer = h.get("/current_customer")["id"];
    json users = h.get("/customer/" + customer + "/users");
    REQUIRE(users.is_array());
    CHECK(users.size() == 3);
    json groups = h.get("/user-groups?per_page=1&page=2");
    CHECK(groups["data"].size() == 1);
    CHECK(groups["meta"]["record_count"] == 2);
    std::string sre = h.get("/user-groups?per_page=1")["data"][0]["id"];
    json members = h.get("/user-groups/" + sre + "/members");
    CHECK(members["data"].size() == 3);
    CHECK(members["data"][2]["object"] == "invitation");
    json invitations = h.get("/invitations?page%5Bsize%5D=1");
    CHECK(invitations["links"].contains("next"));
    CHECK(invitations["data"][0]["attributes"]["status_code"] == 1);
    CHECK(invitations["meta"]["total_pages"] == 2);
}
