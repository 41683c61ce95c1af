# gen-ldif.awk: a generated directory for tests and the benchmark.
#   awk -v users=3000 [-v prefix=u -v width=5 -v locked_every=100
#       -v groups=0 -v group_size=0 -v big_group=0 -v extras=1] -f gen-ldif.awk
# Users uid=PREFIXNNNNN,ou=people,dc=example,dc=com (inetOrgPerson) with
# mail, employeeNumber ENNNNN; every locked_every-th user carries
# pwdAccountLockedTime. groups > 0 adds cn=gNNNN groupOfNames with
# group_size members each (spread over the users); big_group > 0 adds
# cn=all-staff with that many members. extras=1 adds the fixed entries the
# integration test checks (non-ASCII names, a service account, MFA flags,
# a last login, nested groups of all three kinds).
function uid(i) { return sprintf("%s%0" width "d", prefix, i) }
function udn(i) { return "uid=" uid(i) ",ou=people,dc=example,dc=com" }
BEGIN {
	if (prefix == "") prefix = "u"
	if (width == "") width = 5
	print "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example Org\n"
	print "dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n"
	print "dn: ou=groups,dc=example,dc=com\nobjectClass: organizationalUnit\nou: groups\n"
	for (i = 1; i <= users; i++) {
		cn = sprintf("User %0" width "d", i)
		sn = "User"
		if (extras && i == 7) { cn = "Zoë Ångström"; sn = "Ångström" }
		if (extras && i == 8) { cn = "Łukasz Żółć"; sn = "Żółć" }
		printf "dn: %s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\n", udn(i), uid(i), cn, sn
		printf "mail: %s@example.com\nemployeeNumber: E%0" width "d\n", uid(i), i
		if (locked_every > 0 && i % locked_every == 0)
			print "pwdAccountLockedTime: 000001010000Z"
		if (extras && i <= 10)
			print "employeeType: " (i % 2 ? "MFA" : "mfa")
		if (extras && i == 1)
			print "authTimestamp: 20240115103000Z"
		print ""
	}
	if (extras) {
		print "dn: uid=svc-backup,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: svc-backup\ncn: Backup Service\nsn: Service\n"
		print "dn: cn=admins,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: admins\nmember: " udn(2) "\nmember: CN=Ops, OU=Groups, DC=Example, DC=com\n"
		print "dn: cn=ops,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: ops\nmember: " udn(3) "\nmember: cn=oncall,ou=groups,dc=example,dc=com\n"
		print "dn: cn=oncall,ou=groups,dc=example,dc=com\nobjectClass: groupOfUniqueNames\ncn: oncall\nuniqueMember: " toupper(substr(udn(4), 1, 3)) substr(udn(4), 4) "#'0101'B\n"
		print "dn: cn=devs,ou=groups,dc=example,dc=com\nobjectClass: posixGroup\ncn: devs\ngidNumber: 5000\nmemberUid: " uid(5) "\nmemberUid: " uid(6) "\n"
	}
	if (big_group > 0) {
		print "dn: cn=all-staff,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: all-staff"
		for (i = 1; i <= big_group; i++)
			print "member: " udn(i)
		print ""
	}
	for (g = 1; g <= groups; g++) {
		printf "dn: cn=g%04d,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: g%04d\n", g, g
		for (k = 0; k < group_size; k++)
			print "member: " udn(((g * 7919 + k * 104729) % users) + 1)
		print ""
	}
}
