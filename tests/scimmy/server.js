// server.js: a real, independent SCIM 2.0 service provider (SCIMMY on
// express) for tests/it_scimmy.sh. Everything lives in memory and is seeded
// the same way on every start, so the test can assert exact values:
//
//   users   u00001 .. u02500 (SCIMMY_USERS to change the count)
//           userName user00001, name Given00001 Family00001,
//           e-mail user00001@example.com (primary); every 7th user also has a
//           non-primary alias listed FIRST, so "primary" must be honoured;
//           every 10th user has active: false;
//           enterprise employeeNumber E00001
//   groups  g-big      "Big Group"   members u00001 .. u01200
//           g-admins   "Admins"      members u00002, u00003, u00004
//           g-parent   "Parent"      member  g-admins (type Group: nested)
//
// Requests must carry "Authorization: Bearer $SCIMMY_TOKEN". The server
// listens on 127.0.0.1, port 0 (a free one), and prints the port on stdout.
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const token = process.env.SCIMMY_TOKEN;
if (!token) {
	console.error("server.js: SCIMMY_TOKEN is not set");
	process.exit(1);
}
const nusers = Number.parseInt(process.env.SCIMMY_USERS ?? "2500", 10);
const pad = (i) => String(i).padStart(5, "0");
const enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const users = [];
for (let i = 1; i <= nusers; i++) {
	const emails = [{value: `user${pad(i)}@example.com`, type: "work", primary: true}];
	if (i % 7 === 0)
		emails.unshift({value: `alias${pad(i)}@example.org`, type: "other", primary: false});
	users.push({
		id: `u${pad(i)}`,
		userName: `user${pad(i)}`,
		name: {givenName: `Given${pad(i)}`, familyName: `Family${pad(i)}`},
		displayName: `Given${pad(i)} Family${pad(i)}`,
		emails,
		active: i % 10 !== 0,
		[enterprise]: {employeeNumber: `E${pad(i)}`},
		meta: {created: new Date(Date.UTC(2024, 0, 1 + (i % 365))), lastModified: new Date(Date.UTC(2025, 5, 1))},
	});
}
const member = (id, type = "User") => ({value: id, type});
const groups = [
	{id: "g-big", displayName: "Big Group",
		members: users.slice(0, 1200).map((u) => member(u.id))},
	{id: "g-admins", displayName: "Admins",
		members: ["u00002", "u00003", "u00004"].map((id) => member(id))},
	{id: "g-parent", displayName: "Parent", members: [member("g-admins", "Group")]},
];

// SCIMMY pages (startIndex/count) and projects attributes itself; the
// egress handlers return the matching resources, filtered when asked.
const pick = (all, resource) => {
	if (resource.id)
		return all.filter((r) => r.id === resource.id);
	return resource.filter ? resource.filter.match(all) : all;
};

SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false))
	.egress((resource) => pick(users, resource))
	.ingress(() => { throw new SCIMMY.Types.Error(501, null, "read-only test server"); })
	.degress(() => { throw new SCIMMY.Types.Error(501, null, "read-only test server"); });
SCIMMY.Resources.declare(SCIMMY.Resources.Group)
	.egress((resource) => pick(groups, resource))
	.ingress(() => { throw new SCIMMY.Types.Error(501, null, "read-only test server"); })
	.degress(() => { throw new SCIMMY.Types.Error(501, null, "read-only test server"); });

const app = express();
app.use("/scim/v2", new SCIMMYRouters({
	type: "bearer",
	docUri: "https://example.invalid/help/scim.html",
	handler: (request) => {
		if (request.header("Authorization") !== `Bearer ${token}`)
			throw new Error("Authorization failure");
		return "rollcall-test";
	},
}));

const server = app.listen(0, "127.0.0.1", () => {
	console.log(server.address().port);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
