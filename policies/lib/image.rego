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

# The OCI packages of a registry `server.json` (`packages[].registryType: oci`): the
# image reference (`identifier`, with the package `version` as its tag when the
# identifier has none, as the older schema wrote it) and where its identifier is
# written. Templates (`$VERSION`, `${VERSION}`, `<<Version>>`) are not judged.
server_json_images contains {"ref": ref, "node": {"loc": object.get(p, ["key_locs", "identifier"], p.loc)}} if {
	input.metadata.format == "registry-server"
	some p in object.get(input.doc, "packages", [])
	is_object(p)
	lower(object.get(p, "registryType", "")) == "oci"
	id := p.identifier
	is_string(id)
	ref := oci_ref(id, object.get(p, "version", null))
	not template(ref)
}

oci_ref(id, version) := concat(":", [id, version]) if {
	is_string(version)
	version != ""
	not tag(id)
	not has_digest(id)
} else := id

template(s) if regex.match(`[$<{]`, s)
