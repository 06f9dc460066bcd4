# Image-reference helpers shared by the supply-chain rules.
package mcp_audit.lib.image

import rego.v1

# The part after the last "/" of the repository path (registry ports contain ":").
last_segment(ref) := parts[count(parts) - 1] if {
	parts := split(ref, "/")
}

has_digest(ref) if contains(ref, "@sha256:")

# tag(ref) is undefined when the reference has no tag.
tag(ref) := t if {
	not has_digest(ref)
	seg := last_segment(ref)
	contains(seg, ":")
	parts := split(seg, ":")
	t := parts[count(parts) - 1]
}

tag(ref) := t if {
	has_digest(ref)
	name := split(ref, "@")[0]
	seg := last_segment(name)
	contains(seg, ":")
	parts := split(seg, ":")
	t := parts[count(parts) - 1]
}

# mutable(ref) is true for a reference with no tag and no digest, or with tag "latest".
mutable(ref) if {
	not has_digest(ref)
	not tag(ref)
}

mutable(ref) if {
	not has_digest(ref)
	tag(ref) == "latest"
}
