# METADATA
# title: Override file relaxes a control set in the base file
# description: >-
#   When several Compose files are merged (`compose.override.yaml`,
#   `-f a -f b`, a `docker-compose.<name>.yml` variant), a later file turns a
#   control that passes in the base file into a failure: `read_only: true`
#   becomes false, `privileged: true`, `use_api_socket: true` or a host
#   namespace appears,
#   `cap_drop: [ALL]` or `no-new-privileges` goes away, `user:` becomes root
#   while the base ran as non-root, the memory limit is removed, or the
#   healthcheck is disabled — written as a value or as `!reset` (`user: !reset`
#   brings back an image user that is not known to be non-root,
#   `healthcheck: !reset` leaves no healthcheck). The production variant
#   (`docker-compose.prod.yml`, `compose.production.yaml`) must not add a
#   debugger port (9229, 9230, 5678, 5005, 2345, 9222) or a bind mount of
#   source code (the project directory, a `src`/`app`/`lib`/`code`/`server`
#   directory, a code file). The finding points at the overriding value (or
#   the `!reset`) and links the base value. A dev-only file
#   (`docker-compose.dev.yml`, `compose.debug.yaml`, `*.local.yml`) that
#   `include:` or `extends: {file: …}` merges into a service of a file set
#   that is not itself dev-only (no dev file, variant or profile) is reported
#   at the entry that names it. Overrides that tighten a control or only
#   change other keys (ports and binds outside the production variant
#   included) do not trigger.
# custom:
#   id: MCP-EC-005
#   severity: MEDIUM
#   kinds: [compose_service]
#   remediation: >-
#     Keep hardening in the base file and let override files add, never relax;
#     keep dev-only overrides out of the production file set.
#   references:
#     - Compose specification, merge rules (`!reset`, `!override`)
#     - CIS Docker Benchmark 5.4, 5.5, 5.11, 5.13, 5.25, 5.26
package mcp_audit.ec.mcp_ec_005

import data.mcp_audit.cs.mcp_cs_013
import data.mcp_audit.lib.result
import rego.v1

applicable if is_object(input.base_service)

applicable if count(dev_files_merged) > 0

base := input.base_service

svc := input.service

deny contains r if {
	is_object(base)
	some c in relaxations
	node := {"loc": c.loc, "from": [c.base_loc]}
	r := result.with_evidence(
		sprintf(
			"%s relaxes service %q: %s replaces %s from %s",
			[c.loc.file, input.unit.name, c.after, c.before, c.base_loc.file],
		),
		node,
		{"before": c.before, "after": c.after, "base_file": c.base_loc.file},
	)
}

# Where to point when the override removed a value: the key as written, else the
# `!reset` that removed it, else the service.
key_loc(key) := input.raw.key_locs[key] if is_object(input.raw.key_locs[key])

else := resets[key] if is_object(resets[key])

else := svc.loc

# What a later file removed with `!reset`: dotted key path → where the tag is written.
resets := object.get(input.unit, "resets", {})

# The base value's location, or the base service's key when the base leaves it unset.
base_loc(v) := v.loc if is_object(v)

else := base.loc

# --- read_only

relaxations contains {
	"before": "`read_only: true`",
	"after": sprintf("`read_only: %v`", [svc.read_only.value]),
	"loc": svc.read_only.loc,
	"base_loc": base.read_only.loc,
} if {
	base.read_only.value == true
	is_object(svc.read_only)
	not svc.read_only.value == true
}

relaxations contains {
	"before": "`read_only: true`",
	"after": "no `read_only`",
	"loc": key_loc("read_only"),
	"base_loc": base.read_only.loc,
} if {
	base.read_only.value == true
	not is_object(svc.read_only)
}

# --- privileged, the engine's API socket and host namespaces

relaxations contains {
	"before": unset_or_value(key, object.get(base, key, null)),
	"after": sprintf("`%s: true`", [key]),
	"loc": v.loc,
	"base_loc": base_loc(object.get(base, key, null)),
} if {
	some key in ["privileged", "use_api_socket"]
	v := object.get(svc, key, null)
	is_object(v)
	v.value == true
	not base[key].value == true
}

relaxations contains {
	"before": unset_or_value(key, object.get(base, key, null)),
	"after": sprintf("`%s: host`", [key]),
	"loc": v.loc,
	"base_loc": base_loc(object.get(base, key, null)),
} if {
	some key in ["network_mode", "pid", "ipc", "uts", "userns_mode"]
	v := object.get(svc, key, null)
	is_object(v)
	lower(v.value) == "host"
	not lower(object.get(base, [key, "value"], "")) == "host"
}

unset_or_value(key, v) := sprintf("`%s: %v`", [key, v.value]) if is_object(v)

else := sprintf("no `%s`", [key])

# --- cap_drop: ALL

drop_all_entries(s) := [c | some c in s.cap_drop; trim_prefix(upper(trim_space(c.value)), "CAP_") == "ALL"]

relaxations contains {
	"before": "`cap_drop: [ALL]`",
	"after": "a `cap_drop` without `ALL`",
	"loc": key_loc("cap_drop"),
	"base_loc": drop_all_entries(base)[0].loc,
} if {
	count(drop_all_entries(base)) > 0
	count(drop_all_entries(svc)) == 0
}

# --- no-new-privileges

nnp_true := {"no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"}

nnp_false := {"no-new-privileges:false", "no-new-privileges=false"}

opts(s, spellings) := [o | some o in s.security_opt; lower(trim_space(o.value)) in spellings]

nnp_on(s) if {
	count(opts(s, nnp_true)) > 0
	count(opts(s, nnp_false)) == 0
}

relaxations contains {
	"before": sprintf("`%s`", [opts(base, nnp_true)[0].value]),
	"after": sprintf("`%s`", [o.value]),
	"loc": o.loc,
	"base_loc": opts(base, nnp_true)[0].loc,
} if {
	nnp_on(base)
	some o in opts(svc, nnp_false)
}

relaxations contains {
	"before": sprintf("`%s`", [opts(base, nnp_true)[0].value]),
	"after": "a `security_opt` without `no-new-privileges`",
	"loc": key_loc("security_opt"),
	"base_loc": opts(base, nnp_true)[0].loc,
} if {
	nnp_on(base)
	count(opts(svc, nnp_true)) == 0
	count(opts(svc, nnp_false)) == 0
}

# --- user

uid(u) := trim(trim_space(split(u.value, ":")[0]), "\"")

compose_root(u) if uid(u) == "root"

compose_root(u) if regex.match(`^0+$`, uid(u))

relaxations contains {
	"before": base_user.text,
	"after": sprintf("`user: %s`", [svc.user.value]),
	"loc": svc.user.loc,
	"base_loc": base_user.loc,
} if {
	is_object(svc.user)
	not svc.user.indeterminate
	compose_root(svc.user)
}

# `user: !reset`: the image's user comes back, and it is not a known non-root one.
relaxations contains {
	"before": base_user.text,
	"after": sprintf("`user: !reset` (the image's user: %s)", [image_user]),
	"loc": resets.user,
	"base_loc": base_user.loc,
} if {
	is_object(resets.user)
	is_object(base.user)
	not is_object(svc.user)
	not known_non_root(input.effective.user)
}

known_non_root(u) if {
	u.root == false
	not u.indeterminate
}

image_user := "root" if input.effective.user.root == true

else := "unknown, the image is not built here"

# The user the base file runs as, when it is known and non-root.
base_user := {"text": sprintf("`user: %s`", [base.user.value]), "loc": base.user.loc} if {
	is_object(base.user)
	not base.user.indeterminate
	not compose_root(base.user)
}

base_user := {"text": sprintf("the image's `USER %s`", [u.value]), "loc": u.loc} if {
	not is_object(base.user)
	u := input.dockerfile.user
	u.source == "USER"
	not u.root
	not u.indeterminate
}

# --- memory limit

memory_keys := ["mem_limit", "memory_limit_deploy"]

memory_names := {"mem_limit": "mem_limit", "memory_limit_deploy": "deploy.resources.limits.memory"}

valid_limit(v) if {
	not v.indeterminate
	not trim_space(v.value) in {"", "0", "-1"}
}

base_limits := [{"key": key, "v": v} |
	some key in memory_keys
	v := object.get(base, key, null)
	is_object(v)
	valid_limit(v)
]

svc_non_limits := [{"key": key, "v": v} |
	some key in memory_keys
	v := object.get(svc, key, null)
	is_object(v)
	not v.indeterminate
	not valid_limit(v)
]

relaxations contains {
	"before": sprintf("`%s: %s`", [memory_names[b.key], b.v.value]),
	"after": memory_after,
	"loc": memory_loc,
	"base_loc": b.v.loc,
} if {
	b := base_limits[0]
	m := input.effective.memory_limit
	not m.indeterminate
	not m.valid
}

memory_after := sprintf("`%s: %s`", [memory_names[n.key], n.v.value]) if {
	n := svc_non_limits[0]
} else := "no memory limit"

memory_loc := svc_non_limits[0].v.loc if count(svc_non_limits) > 0

else := resets[k] if {
	some k in ["mem_limit", "deploy.resources.limits.memory", "deploy.resources.limits", "deploy.resources", "deploy"]
	is_object(resets[k])
}

else := key_loc("mem_limit")

# --- healthcheck

disabled(h) if h.disable.value == true

disabled(h) if h.test_none == true

base_health := {"text": "the base healthcheck", "loc": base.healthcheck.loc} if {
	is_object(base.healthcheck)
	not disabled(base.healthcheck)
}

base_health := {"text": "the image HEALTHCHECK", "loc": input.dockerfile.healthcheck.loc} if {
	not is_object(base.healthcheck)
	input.dockerfile.healthcheck.present == true
}

relaxations contains {
	"before": base_health.text,
	"after": health_after,
	"loc": health_loc,
	"base_loc": base_health.loc,
} if {
	is_object(svc.healthcheck)
	disabled(svc.healthcheck)
}

# `healthcheck: !reset`, with no image HEALTHCHECK to fall back on.
relaxations contains {
	"before": base_health.text,
	"after": "`healthcheck: !reset` (no healthcheck left)",
	"loc": resets.healthcheck,
	"base_loc": base_health.loc,
} if {
	is_object(resets.healthcheck)
	is_object(base.healthcheck)
	not is_object(svc.healthcheck)
	not input.effective.healthcheck.present == true
}

health_after := "`healthcheck.disable: true`" if svc.healthcheck.disable.value == true

else := "`healthcheck.test: [\"NONE\"]`"

health_loc := svc.healthcheck.disable.loc if svc.healthcheck.disable.value == true

else := svc.healthcheck.loc

# --- what the production variant adds (`docker-compose.prod.yml`)

production if lower(object.get(input.unit, "variant", "")) in {"prod", "production"}

variant_file := input.unit.files[count(input.unit.files) - 1]

# Debugger ports: Node inspector, debugpy, JDWP, Delve, Chrome DevTools.
debug_ports := {"9229", "9230", "5678", "5005", "2345", "9222"}

relaxations contains {
	"before": "no debugger port",
	"after": sprintf("a published debugger port `%s`", [p.target]),
	"loc": p.loc,
	"base_loc": base.loc,
} if {
	production
	some p in svc.ports
	p.loc.file == variant_file
	p.target in debug_ports
}

# A bind of the project directory, a source directory or a code file.
relaxations contains {
	"before": "the image's own code",
	"after": sprintf("a source-code bind mount `%s:%s`", [m.source, m.target]),
	"loc": m.loc,
	"base_loc": base.loc,
} if {
	production
	some m in svc.volumes
	m.type == "bind"
	m.loc.file == variant_file
	source_code(m)
}

source_code(m) if {
	startswith(m.source, ".")
	name := last_segment(m.source)
	name in {".", "..", "", "src", "source", "app", "lib", "code", "server", "srv"}
}

source_code(m) if {
	startswith(m.source, ".")
	regex.match(`\.(py|js|mjs|cjs|ts|go|rb|php|java|rs|sh)$`, lower(m.source))
}

last_segment(p) := s if {
	parts := split(trim_right(p, "/"), "/")
	s := parts[count(parts) - 1]
}

# --- a dev-only file merged in by `include:` or `extends:`

deny contains r if {
	some m in dev_files_merged
	r := result.with_evidence(
		sprintf(
			"%s brings the dev-only file %s into service %q outside a dev file set",
			[merged_by[m.via], m.file, input.unit.name],
		),
		m,
		{"file": m.file, "via": m.via},
	)
}

merged_by := {"include": "`include:`", "extends": "`extends:`"}

dev_files_merged contains m if {
	not dev_set
	some m in object.get(input.unit, "merged_in", [])
	dev_file(m.file)
}

dev_words := {"dev", "development", "debug"}

# `docker-compose.dev.yml`, `compose-debug.yaml`, `dev.compose.yml`, `compose.local.yaml`.
dev_file(path) if {
	some word in regex.split(`[._-]`, file_stem(path))
	word in dev_words
}

dev_file(path) if "local" in split(file_stem(path), ".")

file_stem(path) := trim_suffix(trim_suffix(lower(last_segment(path)), ".yml"), ".yaml")

# The unit's own file set is a dev one: a dev variant (any word of its name) or
# file, or what MCP-CS-013 counts as a dev context (a dev variant or profile).
dev_set if {
	is_string(input.unit.variant)
	some word in regex.split(`[._-]`, lower(input.unit.variant))
	word in mcp_cs_013.dev_names
}

dev_set if {
	some f in input.unit.files
	dev_file(f)
}

dev_set if mcp_cs_013.dev_context
