package mcp_audit.cs.mcp_cs_012_test

import data.mcp_audit.cs.mcp_cs_012
import rego.v1

l(line) := {"file": "compose.yaml", "line": line, "col": 9, "end_line": line, "end_col": 40}

bind(src, tgt, ro, line) := {"type": "bind", "source": src, "target": tgt, "read_only": ro, "loc": l(line), "indeterminate": false}

svc(vols) := {"unit": {"name": "srv"}, "service": {"name": "srv", "volumes": vols}, "config": {}}

findings(vols) := rs if {
	rs := mcp_cs_012.deny with input as svc(vols)
}

reason(vols) := r.evidence.reason if {
	rs := findings(vols)
	count(rs) == 1
	some r in rs
}

# --- sensitive paths, read-write or read-only ---

test_root_filesystem if reason([bind("/", "/host", true, 3)]) == "sensitive"

test_etc_read_only if reason([bind("/etc", "/host-etc", true, 3)]) == "sensitive"

test_etc_subdirectory if reason([bind("/etc/ssl/private", "/certs", true, 3)]) == "sensitive"

test_proc if reason([bind("/proc", "/host/proc", true, 3)]) == "sensitive"

test_sys if reason([bind("/sys", "/host/sys", true, 3)]) == "sensitive"

test_dev if reason([bind("/dev", "/dev", false, 3)]) == "sensitive"

test_boot if reason([bind("/boot", "/boot", true, 3)]) == "sensitive"

test_root_home if reason([bind("/root", "/root", false, 3)]) == "sensitive"

test_var_lib_docker if reason([bind("/var/lib/docker", "/docker", true, 3)]) == "sensitive"

test_home if reason([bind("/home", "/home", true, 3)]) == "sensitive"

test_whole_user_home if reason([bind("/home/alice", "/data", true, 3)]) == "sensitive"

test_tilde_home if reason([bind("~", "/data", true, 3)]) == "sensitive"

test_ssh_dir if reason([bind("~/.ssh", "/root/.ssh", true, 3)]) == "sensitive"

test_aws_dir if reason([bind("~/.aws", "/root/.aws", true, 3)]) == "sensitive"

test_kube_config_file if reason([bind("~/.kube/config", "/kube/config", true, 3)]) == "sensitive"

test_docker_config if reason([bind("~/.docker", "/root/.docker", true, 3)]) == "sensitive"

test_gcloud if reason([bind("/home/alice/.config/gcloud", "/gcloud", true, 3)]) == "sensitive"

test_resolved_home_ssh if reason([bind("/home/runner/.ssh", "/ssh", true, 3)]) == "sensitive"

test_double_slash_normalised if reason([bind("//etc/", "/host-etc", true, 3)]) == "sensitive"

test_read_only_is_in_message if {
	rs := findings([bind("/etc", "/host-etc", true, 3)])
	some r in rs
	contains(r.msg, "read-only")
	r.evidence.read_only == true
	r.loc == l(3)
}

# --- writable host paths ---

test_writable_project_in_home if reason([bind("/home/ichardart/code", "/workspace", false, 3)]) == "writable"

test_writable_absolute_path if reason([bind("/srv/mcp-data", "/data", false, 3)]) == "writable"

test_writable_home_relative if reason([bind("~/code", "/workspace", false, 3)]) == "writable"

test_writable_relative_escaping_project if reason([bind("../../", "/workspace", false, 3)]) == "writable"

test_writable_relative_escaping_after_descent if reason([bind("./a/../../shared", "/shared", false, 3)]) == "writable"

test_two_mounts_two_findings if {
	count(findings([bind("/etc", "/e", true, 3), bind("/srv/x", "/x", false, 4)])) == 2
}

# --- does not trigger ---

test_named_volume_passes if {
	count(findings([{"type": "volume", "source": "hub-data", "target": "/data", "read_only": false, "loc": l(3), "indeterminate": false}])) == 0
}

test_tmpfs_passes if {
	count(findings([{"type": "tmpfs", "source": null, "target": "/tmp", "read_only": false, "loc": l(3), "indeterminate": false}])) == 0
}

test_project_relative_read_only_passes if count(findings([bind("./config", "/config", true, 3)])) == 0

test_project_relative_writable_passes if count(findings([bind("./data", "/data", false, 3)])) == 0

test_relative_escaping_read_only_passes if count(findings([bind("../../", "/workspace", true, 3)])) == 0

test_absolute_read_only_passes if count(findings([bind("/workspace", "/workspace", true, 3)])) == 0

test_project_under_home_read_only_passes if {
	count(findings([bind("/home/administrator/projects", "/projects", true, 3)])) == 0
}

test_localtime_read_only_passes if count(findings([bind("/etc/localtime", "/etc/localtime", true, 3)])) == 0

test_localtime_writable_fails if reason([bind("/etc/localtime", "/etc/localtime", false, 3)]) == "sensitive"

test_docker_socket_left_to_cs_002 if count(findings([bind("/var/run/docker.sock", "/var/run/docker.sock", false, 3)])) == 0

test_run_directory_left_to_cs_002 if count(findings([bind("/var/run", "/var/run", false, 3)])) == 0

test_rootless_socket_dir_left_to_cs_002 if count(findings([bind("/run/user/1000", "/run/user/1000", false, 3)])) == 0

test_allowed_root_writable_passes if {
	doc := object.union(svc([bind("/srv/mcp/data", "/data", false, 3)]), {"config": {"allowed_bind_roots": ["/srv/mcp/"]}})
	count(mcp_cs_012.deny) == 0 with input as doc
}

test_allowed_root_does_not_cover_sibling if {
	doc := object.union(svc([bind("/srv/mcp-other", "/data", false, 3)]), {"config": {"allowed_bind_roots": ["/srv/mcp"]}})
	count(mcp_cs_012.deny) == 1 with input as doc
}

test_allowed_root_does_not_exempt_sensitive if {
	doc := object.union(svc([bind("/etc", "/etc", true, 3)]), {"config": {"allowed_bind_roots": ["/etc"]}})
	count(mcp_cs_012.deny) == 1 with input as doc
}

test_indeterminate_skipped if {
	count(findings([{"type": "bind", "source": "/x", "target": "/x", "read_only": false, "loc": l(3), "indeterminate": true}])) == 0
}

test_podman_socket_dir_left_to_cs_002 if count(findings([bind("/run/podman", "/run/podman", false, 3)])) == 0

test_docker_desktop_socket_dir_left_to_cs_002 if count(findings([bind("~/.docker/run", "/run/docker", false, 3)])) == 0

test_docker_engine_pipe_left_to_cs_002 if count(findings([bind("//./pipe/docker_engine", "//./pipe/docker_engine", false, 3)])) == 0

test_other_socket_writable_fires if reason([bind("/tmp/ssh-agent.sock", "/ssh-agent.sock", false, 3)]) == "writable"

test_root_filesystem_stays_sensitive if reason([bind("/", "/host", false, 3)]) == "sensitive"
