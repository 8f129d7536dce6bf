'use strict';
// Conformance of fastly-emulator with Fastly's official clients, which this project did not write:
// the Fastly CLI (@fastly/cli-linux-x64) and the fastly npm JavaScript client.
// Usage: node run.js PATH/TO/fastly-emulator
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const TOKEN = 'emulator-superuser-token';
const SKIP = 77; // ctest SKIP_RETURN_CODE: the clients are not installed

// setup.sh installs into this folder or into another one named by CONFORMANCE_NODE_MODULES' parent.
function findModules() {
  const candidates = [process.env.CONFORMANCE_NODE_MODULES, path.join(__dirname, 'node_modules')];
  return candidates.find((dir) => dir && fs.existsSync(path.join(dir, 'fastly', 'package.json')) &&
    fs.existsSync(path.join(dir, '@fastly', 'cli-linux-x64', 'fastly')));
}
const MODULES = findModules();
const CLI = MODULES ? path.join(MODULES, '@fastly', 'cli-linux-x64', 'fastly') : null;

function startEmulator(binary) {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => reject(new Error('the emulator did not start within 10 s')), 10000);
    proc.on('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
    readline.createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const match = /^fastly-emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (!match) {
        reject(new Error(`unexpected start-up line: ${line}`));
        return;
      }
      resolve({ proc, base: match[1] });
    });
  });
}

// ---- the Fastly CLI --------------------------------------------------------------------------------

function cliRunner(base) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fastly-cli-home-'));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    FASTLY_API_ENDPOINT: base,
    FASTLY_ACCOUNT_ENDPOINT: base,
    FASTLY_API_TOKEN: TOKEN,
    // The CLI checks developer.fastly.com for a newer release; a dead proxy makes that fail at once
    // instead of waiting on the network. Loopback requests (the emulator) never use a proxy.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
  };
  return (...args) => execFileSync(CLI, args, { env, encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function cliConformance(base, request) {
  const fastly = cliRunner(base);
  const me = JSON.parse(fastly('user', 'describe', '--current', '--json'));
  assert.equal(me.Login, 'owner@example.com');
  assert.equal(me.Role, 'superuser');
  const customerId = me.CustomerID;

  let users = JSON.parse(fastly('user', 'list', '--customer-id', customerId, '--json'));
  assert.deepEqual(users.map((u) => u.Login), ['owner@example.com']);

  const created = fastly('user', 'create', '--login', 'cli-user@example.com', '--name', 'CLI User', '--role', 'engineer');
  assert.match(created, /Created user 'CLI User' \(role: engineer\)/);
  users = JSON.parse(fastly('user', 'list', '--customer-id', customerId, '--json'));
  const cliUser = users.find((u) => u.Login === 'cli-user@example.com');
  assert.ok(cliUser, 'the created user is listed');
  assert.equal(cliUser.Role, 'engineer');
  assert.equal(cliUser.Locked, null);

  fastly('user', 'update', '--id', cliUser.UserID, '--name', 'Renamed', '--role', 'user');
  const described = JSON.parse(fastly('user', 'describe', '--id', cliUser.UserID, '--json'));
  assert.equal(described.Name, 'Renamed');
  assert.equal(described.Role, 'user');
  fastly('user', 'update', '--id', cliUser.UserID, '--login', 'cli-user@example.com', '--password-reset');
  const afterReset = await request('GET', `/user/${cliUser.UserID}`);
  assert.equal(afterReset.require_new_password, true);

  fastly('user', 'delete', '--id', cliUser.UserID);
  users = JSON.parse(fastly('user', 'list', '--customer-id', customerId, '--json'));
  assert.equal(users.find((u) => u.Login === 'cli-user@example.com'), undefined);

  assert.throws(() => fastly('user', 'describe', '--id', 'nonexistent000000000000', '--json'),
    (error) => /404|not found/i.test(String(error.stderr) + String(error.stdout)));
  assert.match(fastly('whoami'), /owner@example\.com/);
}

// ---- the fastly npm client -------------------------------------------------------------------------

function jsClient(base) {
  const Fastly = require(path.join(MODULES, 'fastly'));
  const client = Fastly.ApiClient.instance;
  client.authenticate(TOKEN);
  // Every operation hard-codes https://api.fastly.com (fastly-account-api-notes.md, outside this repository, section 12); a superagent plugin
  // rewrites the URL after it is built.
  client.plugins = [(req) => { req.url = req.url.replace('https://api.fastly.com', base); }];
  return Fastly;
}

async function expectStatus(promise, status) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.status, status, `expected HTTP ${status}, got ${error.status}: ${error.message}`);
    return true;
  });
}

async function jsConformance(base) {
  const Fastly = jsClient(base);
  const userGroups = new Fastly.IamUserGroupsApi();
  const serviceGroups = new Fastly.IamServiceGroupsApi();
  const invitations = new Fastly.InvitationsApi();
  const roles = new Fastly.IamRolesApi();
  const permissions = new Fastly.IamPermissionsApi();
  const userApi = new Fastly.UserApi();
  const customerApi = new Fastly.CustomerApi();

  const me = await userApi.getCurrentUser();
  assert.equal(me.login, 'owner@example.com');
  const customer = await customerApi.getLoggedInCustomer();
  assert.equal(customer.owner_id, me.id);

  // Permissions and roles.
  const catalogue = await permissions.listPermissions();
  const purgeAll = catalogue.data.find((p) => p.name === 'purge_all');
  assert.ok(purgeAll, 'purge_all is in the catalogue');
  const rolePage = await roles.listRoles({ per_page: 4, page: 1 });
  assert.equal(rolePage.data.length, 4);
  assert.equal(rolePage.meta.total_pages, 2);
  const engineer = [...rolePage.data, ...(await roles.listRoles({ per_page: 4, page: 2 })).data]
    .find((r) => r.name === 'engineer');
  assert.ok(engineer, 'the predefined engineer role is listed');
  const custom = await roles.createARole({ request_body: { name: 'Purge Operator', description: 'Purges' } });
  assert.equal(custom.custom, true);
  await roles.addRolePermissions({ role_id: custom.id, request_body: { permissions: [{ id: purgeAll.id }] } });
  assert.equal((await roles.listRolePermissions({ role_id: custom.id })).data[0].name, 'purge_all');
  await expectStatus(roles.createARole({ request_body: { name: 'Purge Operator' } }), 409);

  // Service groups and their services.
  const services = await new Fastly.ServiceApi().listServices();
  assert.ok(services.length >= 2, 'GET /service lists services');
  const prod = await serviceGroups.createAServiceGroup({ request_body: { name: 'Prod Services' } });
  assert.equal(prod.name, 'Prod Services');
  await serviceGroups.addServiceGroupServices({
    service_group_id: prod.id, request_body: { services: [{ id: services[0].id }, { id: services[1].id }] } });
  let groupServices = await serviceGroups.listServiceGroupServices({ service_group_id: prod.id, per_page: 20, page: 1 });
  assert.equal(groupServices.data.length, 2);
  await serviceGroups.removeServiceGroupServices({
    service_group_id: prod.id, request_body: { services: [{ id: services[0].id }] } });
  groupServices = await serviceGroups.listServiceGroupServices({ service_group_id: prod.id });
  assert.deepEqual(groupServices.data.map((s) => s.id), [services[1].id]);
  const patched = await serviceGroups.updateAServiceGroup({
    service_group_id: prod.id, request_body: { name: 'Prod Services', description: 'Production' } });
  assert.equal(patched.description, 'Production');
  await expectStatus(serviceGroups.createAServiceGroup({ request_body: { name: 'Prod Services' } }), 409);

  // Invitations (JSON:API).
  // The client's InvitationResponse model keeps only timestamps in `attributes` (fastly-account-api-notes.md, outside this repository, section 4),
  // so the raw body is checked as well.
  const created = await invitations.createInvitationWithHttpInfo({ invitation: {
    data: { type: 'invitation', attributes: { email: 'thelma@example.com', role: 'engineer', limit_services: false },
      relationships: { customer: { data: { id: customer.id, type: 'customer' } } } } } });
  assert.equal(created.response.status, 200);
  assert.equal(created.response.body.data.attributes.email, 'thelma@example.com');
  assert.equal(created.response.body.data.attributes.status_code, 1);
  const invitation = created.data;
  assert.equal(invitation.data.type, 'invitation');
  for (let i = 0; i < 4; i++) {
    await invitations.createInvitation({ invitation: {
      data: { type: 'invitation', attributes: { email: `bulk${i}@example.com` } } } });
  }
  const invitePage = await invitations.listInvitations({ page_number: 2, page_size: 2 });
  assert.equal(invitePage.data.length, 2);
  assert.equal(invitePage.meta.record_count, 5);
  assert.equal(invitePage.meta.total_pages, 3);
  assert.match(invitePage.links.next, /page%5Bnumber%5D=3/);
  await expectStatus(invitations.createInvitation({ invitation: {
    data: { type: 'invitation', attributes: { email: 'thelma@example.com' } } } }), 409);

  // User groups with members (a user and an invitation), roles and service groups.
  const sre = await userGroups.createAUserGroup({ request_body: { name: 'SRE', description: 'Site reliability' } });
  assert.equal(sre.users_count, 0);
  await userGroups.addUserGroupMembers({ user_group_id: sre.id, request_body: {
    members: [{ id: me.id, object: 'user' }, { id: invitation.data.id, object: 'invitation' }] } });
  await userGroups.addUserGroupRoles({ user_group_id: sre.id, request_body: { roles: [{ id: engineer.id }, { id: custom.id }] } });
  await userGroups.addUserGroupServiceGroups({ user_group_id: sre.id, request_body: { service_groups: [{ id: prod.id }] } });
  const fetched = await userGroups.getAUserGroup({ user_group_id: sre.id });
  assert.equal(fetched.users_count, 1);
  assert.equal(fetched.invitations_count, 1);
  assert.equal(fetched.roles_count, 2);
  const members = await userGroups.listUserGroupMembers({ user_group_id: sre.id, per_page: 1, page: 2 });
  assert.equal(members.data.length, 1);
  assert.equal(members.data[0].object, 'invitation');
  assert.equal(members.meta.record_count, 2);
  assert.equal((await userGroups.listUserGroupServiceGroups({ user_group_id: sre.id })).data[0].id, prod.id);
  await userGroups.removeUserGroupMembers({ user_group_id: sre.id, request_body: { members: [{ id: me.id, object: 'user' }] } });
  await userGroups.removeUserGroupRoles({ user_group_id: sre.id, request_body: { roles: [{ id: custom.id }] } });
  const listedRoles = await userGroups.listUserGroupRoles({ user_group_id: sre.id });
  assert.deepEqual(listedRoles.data.map((r) => r.id), [engineer.id]);
  const renamed = await userGroups.updateAUserGroup({ user_group_id: sre.id, request_body: { name: 'SRE Team' } });
  assert.equal(renamed.name, 'SRE Team');
  for (let i = 0; i < 21; i++) {
    await userGroups.createAUserGroup({ request_body: { name: `team-${i}` } });
  }
  const firstPage = await userGroups.listUserGroups({ per_page: 20, page: 1 });
  assert.equal(firstPage.data.length, 20);
  assert.equal(firstPage.meta.total_pages, 2);
  assert.equal((await userGroups.listUserGroups({ per_page: 20, page: 2 })).data.length, 2);

  await serviceAuthorizationConformance(Fastly, base, userApi, services);
  await tokenConformance(Fastly, base, customer);
  await customerConformance(Fastly, base, customer);
  await eventsConformance(Fastly, base, customer);

  // Deletes and the errors after them.
  await invitations.deleteInvitation({ invitation_id: invitation.data.id });
  assert.equal((await userGroups.getAUserGroup({ user_group_id: sre.id })).invitations_count, 0);
  await userGroups.deleteAUserGroup({ user_group_id: sre.id });
  await expectStatus(userGroups.getAUserGroup({ user_group_id: sre.id }), 404);
  await serviceGroups.deleteAServiceGroup({ service_group_id: prod.id });
  await expectStatus(serviceGroups.getAServiceGroup({ service_group_id: prod.id }), 404);
  await roles.deleteARole({ role_id: custom.id });
  await expectStatus(invitations.deleteInvitation({ invitation_id: invitation.data.id }), 404);
  assert.ok(clientRateLimitSeen(Fastly), 'the client recorded Fastly-RateLimit-Remaining');

  clientUnauthenticated(Fastly);
  await expectStatus(userApi.getCurrentUser(), 401);
}

// Service authorizations: the JSON:API calls and the two ext=bulk calls. The client's response models keep
// only timestamps in `attributes`, and model `relationships.service` without the recorded `data` wrapper,
// so permissions and relationships are read from the raw bodies.
async function serviceAuthorizationConformance(Fastly, base, userApi, services) {
  const api = new Fastly.ServiceAuthorizationsApi();
  const limited = await userApi.createUser({
    login: 'limited@example.com', name: 'Limited', role: 'engineer', limit_services: true });
  assert.equal(limited.limit_services, true);
  const grant = (serviceId, permission) => ({ data: { type: 'service_authorization', attributes: { permission },
    relationships: { service: { data: { type: 'service', id: serviceId } },
      user: { data: { type: 'user', id: limited.id } } } } });
  const created = await api.createServiceAuthorizationWithHttpInfo({
    service_authorization: grant(services[0].id, 'read_only') });
  assert.equal(created.response.status, 200);
  assert.equal(created.response.body.data.attributes.permission, 'read_only');
  assert.equal(created.response.body.data.attributes.deleted_at, null);
  const first = created.data.data;
  assert.equal(created.response.body.data.relationships.user.data.id, limited.id);
  assert.equal(created.response.body.data.relationships.service.data.id, services[0].id);
  const second = (await api.createServiceAuthorization({
    service_authorization: grant(services[1].id, 'full') })).data;
  await expectStatus(api.createServiceAuthorization({ service_authorization: grant(services[0].id, 'full') }), 400);

  const page = await api.listServiceAuthorization({ page_number: 1, page_size: 1 });
  assert.equal(page.data.length, 1);
  assert.equal(page.meta.record_count, 2);
  assert.equal(page.meta.total_pages, 2);
  assert.match(page.links.next, /page%5Bnumber%5D=2/);
  assert.equal((await api.showServiceAuthorization({ service_authorization_id: first.id })).data.id, first.id);

  const updated = await api.updateServiceAuthorizationWithHttpInfo({ service_authorization_id: first.id,
    service_authorization: { data: { type: 'service_authorization', id: first.id, attributes: { permission: 'purge_all' } } } });
  assert.equal(updated.response.body.data.attributes.permission, 'purge_all');

  const bulkUpdated = await api.updateServiceAuthorization2WithHttpInfo({ request_body: { data: [
    { id: first.id, type: 'service_authorization', attributes: { permission: 'purge_select' } },
    { id: second.id, type: 'service_authorization', attributes: { permission: 'read_only' } }] } });
  assert.equal(bulkUpdated.response.status, 200);
  assert.deepEqual(bulkUpdated.data.data.map((a) => a.id), [first.id, second.id]);
  assert.deepEqual(bulkUpdated.response.body.data.map((a) => a.attributes.permission), ['purge_select', 'read_only']);
  await expectStatus(api.updateServiceAuthorization2({ request_body: { data: [
    { id: first.id, type: 'service_authorization', attributes: { permission: 'full' } },
    { id: 'nonexistent000000000000', type: 'service_authorization', attributes: { permission: 'full' } }] } }), 404);
  const unchanged = await api.showServiceAuthorizationWithHttpInfo({ service_authorization_id: first.id });
  assert.equal(unchanged.response.body.data.attributes.permission, 'purge_select');

  const bulkDeleted = await api.deleteServiceAuthorization2WithHttpInfo({ request_body: { data: [
    { id: second.id, type: 'service_authorization' }] } });
  assert.equal(bulkDeleted.response.status, 200);
  assert.deepEqual(bulkDeleted.data.data, []);
  await api.deleteServiceAuthorization({ service_authorization_id: first.id });
  await expectStatus(api.showServiceAuthorization({ service_authorization_id: first.id }), 404);
  await expectStatus(api.deleteServiceAuthorization({ service_authorization_id: first.id }), 404);
  assert.equal((await api.listServiceAuthorization()).meta.record_count, 0);
}

// Tokens: the customer's list (never a secret) and revocation by ID. A token is added with the control API.
async function tokenConformance(Fastly, base, customer) {
  const response = await fetch(`${base}/_emulator/tokens`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'owner@example.com', name: 'conformance', secret: 'conformance-secret' }) });
  assert.equal(response.status, 200);
  const added = await response.json();
  const api = new Fastly.TokensApi();
  const listed = await api.listTokensCustomerWithHttpInfo({ customer_id: customer.id });
  assert.ok(!listed.response.text.includes('conformance-secret'), 'the list shows no secret');
  const token = listed.data.find((t) => t.id === added.id);
  assert.ok(token, 'the added token is listed');
  assert.equal(token.name, 'conformance');
  assert.equal(token.scope, 'global');
  assert.equal(token.user_id, customer.owner_id);
  assert.equal(token.last_used_at, null);
  await api.revokeToken({ token_id: added.id });
  assert.equal((await api.listTokensCustomer({ customer_id: customer.id })).find((t) => t.id === added.id), undefined);
  await expectStatus(api.revokeToken({ token_id: added.id }), 404);
  const revoked = await fetch(`${base}/current_user`, { headers: { 'Fastly-Key': 'conformance-secret' } });
  assert.equal(revoked.status, 401);
}

// Customer settings: force_2fa, the login IP allowlist and a contact written with updateCustomer (a form
// body) and read back with getCustomer; then turned back off so that later calls work.
async function customerConformance(Fastly, base, customer) {
  const api = new Fastly.CustomerApi();
  const control = (urlPath, body) => fetch(`${base}${urlPath}`, { method: 'PUT',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  // force_2fa logs out users without 2FA, the owner included: it gets 2FA first.
  assert.equal((await control('/_emulator/users/owner@example.com/two_factor_auth', { enabled: true })).status, 200);
  const allowlist = '127.0.0.1, 198.51.100.0/24';
  const updated = await api.updateCustomer({ customer_id: customer.id, force_2fa: true, ip_whitelist: allowlist,
    security_contact_id: customer.owner_id });
  assert.equal(updated.force_2fa, true);
  assert.equal(updated.ip_whitelist, allowlist);
  let read = await api.getCustomer({ customer_id: customer.id });
  assert.equal(read.force_2fa, true);
  assert.equal(read.ip_whitelist, allowlist);
  assert.equal(read.security_contact_id, customer.owner_id);
  // A list that excludes the caller is refused and changes nothing; so is a contact who is not a user.
  await expectStatus(api.updateCustomer({ customer_id: customer.id, ip_whitelist: '10.0.0.0/8' }), 400);
  await expectStatus(api.updateCustomer({ customer_id: customer.id, technical_contact_id: 'nonexistent000000000000' }), 400);
  assert.equal((await api.getLoggedInCustomer()).ip_whitelist, allowlist);
  // From an address outside the list, the API answers 403; the owner without 2FA, 401.
  assert.equal((await control('/_emulator/caller_ip', { ip: '203.0.113.9' })).status, 200);
  await expectStatus(api.getLoggedInCustomer(), 403);
  assert.equal((await control('/_emulator/caller_ip', { ip: null })).status, 200);
  assert.equal((await control('/_emulator/users/owner@example.com/two_factor_auth', { enabled: false })).status, 200);
  await expectStatus(api.getLoggedInCustomer(), 401);
  assert.equal((await control('/_emulator/users/owner@example.com/two_factor_auth', { enabled: true })).status, 200);

  await api.updateCustomer({ customer_id: customer.id, force_2fa: false, ip_whitelist: '0.0.0.0/0' });
  read = await api.getCustomer({ customer_id: customer.id });
  assert.equal(read.force_2fa, false);
  assert.equal(read.ip_whitelist, '0.0.0.0/0');
}

// The audit log: listEvents with filters, sort and pages, and getEvent, on the events the calls above
// recorded plus a login in the past (the control endpoint), as the client parses them.
async function eventsConformance(Fastly, base, customer) {
  const api = new Fastly.EventsApi();
  const login = await fetch(`${base}/_emulator/users/owner@example.com/login`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ip: '192.0.2.44', at: '2024-03-01T09:00:00Z' }) });
  assert.equal(login.status, 200);
  const logins = await api.listEvents({ filter_event_type: 'user.login', filter_customer_id: customer.id });
  assert.equal(logins.data.length, 1);
  const event = logins.data[0];
  assert.equal(event.type, 'event');
  assert.equal(event.attributes.event_type, 'user.login');
  assert.ok(event.attributes.created_at instanceof Date, 'created_at is parsed as a date');
  assert.equal(event.attributes.created_at.toISOString(), '2024-03-01T09:00:00.000Z');
  assert.equal(event.attributes.ip, '192.0.2.44');
  assert.equal(event.attributes.user_id, customer.owner_id);
  assert.equal(event.attributes.token_id, null);
  assert.equal(event.attributes.customer_id, customer.id);
  assert.equal(event.attributes.admin, false);
  assert.equal(event.attributes.metadata.login, 'owner@example.com');

  // Five invitations were sent above: two a page, oldest first, with the filter kept in the links.
  const page = await api.listEvents({ filter_event_type: 'invitation.sent', page_number: 2, page_size: 2,
    sort: 'created_at' });
  assert.equal(page.data.length, 2);
  assert.equal(page.meta.record_count, 5);
  assert.equal(page.meta.total_pages, 3);
  assert.equal(page.meta.current_page, 2);
  assert.equal(page.meta.per_page, 2);
  assert.match(page.links.next, /\/events\?filter\[event_type\]=invitation\.sent&page\[number\]=3&page\[size\]=2&sort=created_at$/);
  assert.match(page.links.prev, /page\[number\]=1/);
  const emails = [...(await api.listEvents({ filter_event_type: 'invitation.sent', page_size: 5, sort: 'created_at' })).data]
    .map((e) => e.attributes.metadata.email);
  assert.deepEqual(emails, ['thelma@example.com', 'bulk0@example.com', 'bulk1@example.com', 'bulk2@example.com',
    'bulk3@example.com']);
  // Newest first by default: the latest write above turned force_2fa off again.
  const newest = await api.listEvents({ page_size: 1 });
  assert.equal(newest.data[0].attributes.event_type, 'customer.update');
  assert.deepEqual(newest.data[0].attributes.metadata.force_2fa, { old: true, new: false });

  const before = await api.listEvents({ filter_created_at_lt: '2025-01-01' });
  assert.deepEqual(before.data.map((e) => e.id), [event.id]);
  const since = await api.listEvents({ filter_created_at_gte: '2025-01-01T00:00:00Z', page_size: 100 });
  assert.equal(since.meta.record_count, newest.meta.record_count - 1);
  const tokens = await api.listEvents({ filter_user_id: customer.owner_id, filter_event_type: 'token.create,token.destroy',
    sort: '-created_at' });
  assert.deepEqual(tokens.data.map((e) => e.attributes.event_type), ['token.destroy', 'token.create']);
  await expectStatus(api.listEvents({ filter_created_at_gte: 'last tuesday' }), 400);
  await expectStatus(api.listEvents({ sort: 'name' }), 400);

  const one = await api.getEvent({ event_id: event.id });
  assert.equal(one.data.id, event.id);
  assert.equal(one.data.attributes.event_type, 'user.login');
  await expectStatus(api.getEvent({ event_id: 'nonexistent000000000000' }), 404);
}

function clientRateLimitSeen(Fastly) {
  const remaining = Number(Fastly.ApiClient.instance.rateLimitRemaining);
  return Number.isFinite(remaining) && remaining < 1000;
}

function clientUnauthenticated(Fastly) {
  Fastly.ApiClient.instance.authenticate('not-a-valid-token');
}

async function main() {
  const binary = process.argv[2];
  assert.ok(binary, 'usage: node run.js PATH/TO/fastly-emulator');
  if (!MODULES) {
    console.log('skipped - the Fastly clients are not installed; run tests/conformance/setup.sh [DIR]');
    process.exit(SKIP);
  }
  const { proc, base } = await startEmulator(binary);
  const request = async (method, urlPath) => {
    const response = await fetch(base + urlPath, { method, headers: { 'Fastly-Key': TOKEN } });
    return response.json();
  };
  try {
    await cliConformance(base, request);
    console.log('ok - Fastly CLI: user describe/list/create/update/delete, password reset, whoami');
    await jsConformance(base);
    console.log('ok - fastly npm client: roles, permissions, service groups, invitations, user groups, ' +
      'service authorizations (with the bulk calls), tokens, customer settings, the audit log, errors');
  } finally {
    proc.removeAllListeners('exit');
    proc.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error('not ok -', error && error.stack ? error.stack : error);
  process.exit(1);
});
