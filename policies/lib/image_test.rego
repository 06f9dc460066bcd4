package mcp_audit.lib.image_test

import data.mcp_audit.lib.image
import rego.v1

test_tag_of_each_reference_shape if {
	image.tag("nginx:1.27") == "1.27"
	image.tag("ghcr.io/acme/srv:v2") == "v2"
	image.tag("registry:5000/acme/srv:v2") == "v2"
	image.tag("srv:1.2@sha256:abc") == "1.2"
	image.tag("registry:5000/srv:latest@sha256:abc") == "latest"
}

test_no_tag if {
	not image.tag("nginx")
	not image.tag("registry:5000/acme/srv")
	not image.tag("srv@sha256:abc")
	not image.tag("registry:5000/srv@sha256:abc")
}

# A digest other than sha256 does not count as one: the text after the last `:`
# of the last path segment is read as the tag.
test_other_digest_is_not_a_digest if {
	image.tag("srv:1.2@sha512:abc") == "abc"
	not image.mutable("srv:1.2@sha512:abc")
}

test_mutable if {
	image.mutable("nginx")
	image.mutable("nginx:latest")
	image.mutable("registry:5000/acme/srv")
	image.mutable("registry:5000/acme/srv:latest")
}

test_not_mutable if {
	not image.mutable("nginx:1.27")
	not image.mutable("srv@sha256:abc")
	not image.mutable("srv:latest@sha256:abc")
	not image.mutable("registry:5000/acme/srv:v2")
}

pl := {"file": "server.json", "line": 8, "col": 5, "end_line": 12, "end_col": 6}

il := {"file": "server.json", "line": 10, "col": 7, "end_line": 10, "end_col": 19}

server_json(packages) := {"metadata": {"format": "registry-server"}, "doc": {"packages": packages}}

oci(id, version) := {"registryType": "oci", "identifier": id, "version": version, "loc": pl, "key_locs": {"identifier": il}}

test_server_json_images if {
	refs := {p.ref | some p in image.server_json_images} with input as server_json([
		oci("docker.io/mcp/redis:latest", null),
		oci("ghcr.io/acme/srv", "1.2.0"),
		oci("ghcr.io/acme/pinned:2.0", "9.9.9"),
		oci("ghcr.io/acme/tmpl:${VERSION}", null),
		oci("ghcr.io/acme/tmpl2", "<<Version>>"),
		{"registryType": "npm", "identifier": "pkg", "version": "1.0.0", "loc": pl},
		"not a package",
	])
	refs == {"docker.io/mcp/redis:latest", "ghcr.io/acme/srv:1.2.0", "ghcr.io/acme/pinned:2.0"}
	count(image.server_json_images) == 0 with input as {"metadata": {"format": "docker-server-yaml"}, "doc": {"packages": [oci("x", null)]}}
}
