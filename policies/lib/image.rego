# Image-reference helpers shared by the supply-chain rules.
package mcp_audit.lib.image

import rego.v1

# The part after the last "/" of the repository path (registry ports contain ":").
last_segment(ref) := parts[count(parts) - 1] if {
	parts := split(ref, "/")
}

has_digest(ref) if contains(ref, "@sha256:")

# The reference without its digest (`name:tag@sha256:…` → `name:tag`).
undigested(ref) := split(ref, "@")[0] if {
	has_digest(ref)
} else := ref

# tag(ref) is undefined when the reference has no tag.
tag(ref) := t if {
	seg := last_segment(undigested(ref))
	contains(seg, ":")
	parts := split(seg, ":")
	t := parts[count(parts) - 1]
}

# mutable(ref) is true for a reference with no tag and no digest, or with tag "latest".
mutable(ref) if {
	not has_digest(ref)
	not pinned_tag(ref)
}

pinned_tag(ref) if tag(ref) != "latest"
