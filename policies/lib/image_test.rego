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
