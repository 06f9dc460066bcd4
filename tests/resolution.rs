//! The effective-container guarantees, checked with exact locations.

mod common;

use std::fs;
use std::path::Path;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = dir.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
}

fn active<'a>(r: &'a mcp_audit::ScanResult, rule: &str) -> Vec<&'a mcp_audit::finding::Finding> {
    r.findings
        .iter()
        .filter(|f| f.rule == rule && f.suppressed.is_none())
        .collect()
}

const DOCKERFILE: &str = "FROM node:20.11-alpine AS base\nRUN adduser -S mcp\nUSER mcp\nHEALTHCHECK CMD node health.js\n\nFROM base AS runtime\nCMD [\"node\", \"index.js\"]\n";

#[test]
fn compose_user_root_is_reported_at_the_compose_line_with_dockerfile_provenance() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("Dockerfile", DOCKERFILE),
            (
                "compose.yaml",
                "services:\n  srv:\n    build: .\n    user: root\n    mem_limit: 512m\n",
            ),
        ],
    );
    let r = common::scan(d.path());
    let ec = active(&r, "MCP-EC-001");
    assert_eq!(ec.len(), 1, "{}", common::finding_lines(&r, d.path()));
    let f = ec[0];
    let loc = f.location.as_ref().unwrap();
    assert!(loc.file.ends_with("compose.yaml"));
    assert_eq!((loc.line, loc.col), (4, 11));
    assert!(
        f.related
            .iter()
            .any(|l| l.file.ends_with("Dockerfile") && l.line == 3),
        "{:?}",
        f.related
    );
    // The Dockerfile alone is fine, and DF-001 is not double counted.
    assert!(active(&r, "MCP-DF-001").is_empty());
}

#[test]
fn inherited_user_and_healthcheck_pass() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("Dockerfile", DOCKERFILE),
            (
                "compose.yaml",
                "services:\n  srv:\n    build: .\n    mem_limit: 512m\n",
            ),
        ],
    );
    let r = common::scan(d.path());
    assert!(
        active(&r, "MCP-EC-001").is_empty(),
        "{}",
        common::finding_lines(&r, d.path())
    );
    assert!(
        active(&r, "MCP-EC-002").is_empty(),
        "{}",
        common::finding_lines(&r, d.path())
    );
    assert!(active(&r, "MCP-CS-004").is_empty());
}

#[test]
fn healthcheck_disable_cancels_the_dockerfile_healthcheck() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            ("Dockerfile", DOCKERFILE),
            (
                "compose.yaml",
                "services:\n  srv:\n    build: .\n    healthcheck:\n      disable: true\n",
            ),
        ],
    );
    let r = common::scan(d.path());
    let ec = active(&r, "MCP-EC-002");
    assert_eq!(ec.len(), 1, "{}", common::finding_lines(&r, d.path()));
    let loc = ec[0].location.as_ref().unwrap();
    assert_eq!(loc.line, 5);
    assert!(ec[0]
        .related
        .iter()
        .any(|l| l.file.ends_with("Dockerfile") && l.line == 4));
}

#[test]
fn build_target_without_user_is_root_even_if_last_stage_has_one() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[
        ("Dockerfile", "FROM node:20.11 AS proxy-image\nRUN npm ci\n\nFROM node:20.11 AS reviewer-image\nUSER agent\n"),
        (
            "compose.yaml",
            "services:\n  proxy:\n    build:\n      context: .\n      target: proxy-image\n  reviewer:\n    build:\n      context: .\n      target: reviewer-image\n",
        ),
    ]);
    let r = common::scan(d.path());
    let ec = active(&r, "MCP-EC-001");
    assert_eq!(ec.len(), 1, "{}", common::finding_lines(&r, d.path()));
    assert!(ec[0].units[0].ends_with("#proxy"), "{:?}", ec[0].units);
    assert!(ec[0].message.contains("proxy-image"));
}

#[test]
fn unparseable_file_is_reported_and_the_rest_is_scanned() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (
                "compose.yaml",
                "services:\n  a:\n    image: nginx:1.27\n   bad: [\n",
            ),
            ("other/Dockerfile", "FROM node:latest\n"),
        ],
    );
    let r = common::scan(d.path());
    let aud = active(&r, "MCP-AUD-001");
    assert_eq!(aud.len(), 1, "{}", common::finding_lines(&r, d.path()));
    let l = aud[0].location.as_ref().unwrap();
    assert!(l.file.ends_with("compose.yaml"));
    assert!(l.line >= 3, "{l:?}");
    assert!(
        !active(&r, "MCP-SC-001").is_empty(),
        "the Dockerfile is still scanned"
    );
}

#[test]
fn env_file_does_not_feed_interpolation_but_dotenv_does() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[
        (".env.mcp", "MEM=2g\n"),
        ("compose.yaml", "services:\n  a:\n    image: nginx:1.27\n    env_file: ./.env.mcp\n    mem_limit: ${MEM}\n"),
    ]);
    let r = common::scan(d.path());
    assert!(active(&r, "MCP-CS-004").is_empty());
    assert!(
        active(&r, "MCP-EC-004")
            .iter()
            .any(|f| f.message.contains("memory limit")),
        "{}",
        common::finding_lines(&r, d.path())
    );
    fs::write(d.path().join(".env"), "MEM=2g\n").unwrap();
    let r = common::scan(d.path());
    assert!(!active(&r, "MCP-EC-004")
        .iter()
        .any(|f| f.message.contains("memory limit")));
    assert!(active(&r, "MCP-CS-004").is_empty());
}

#[test]
fn override_file_is_merged_and_variant_is_labelled() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (
                "docker-compose.yml",
                "services:\n  a:\n    image: nginx:1.27\n    mem_limit: 1g\n",
            ),
            (
                "docker-compose.override.yml",
                "services:\n  a:\n    privileged: true\n",
            ),
            (
                "docker-compose.prod.yml",
                "services:\n  a:\n    image: nginx:latest\n",
            ),
        ],
    );
    let r = common::scan(d.path());
    let cs = active(&r, "MCP-CS-001");
    assert_eq!(cs.len(), 1, "{}", common::finding_lines(&r, d.path()));
    assert!(cs[0]
        .location
        .as_ref()
        .unwrap()
        .file
        .ends_with("docker-compose.override.yml"));
    let sc = active(&r, "MCP-SC-001");
    assert_eq!(sc.len(), 1);
    assert!(sc[0].units[0].ends_with("#a@prod"), "{:?}", sc[0].units);
}

#[test]
fn the_last_env_file_entry_of_a_key_is_the_effective_one() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), &[
        ("a.env", "API_TOKEN=first-value-aaaa\nAPI_TOKEN=second-value-bbbb\nDB_PASSWORD=only-in-a-cccc\n"),
        ("b.env", "API_TOKEN=third-value-dddd\n"),
        ("compose.yaml", "services:\n  srv-mcp:\n    image: nginx:1.27\n    env_file: [a.env, b.env]\n"),
    ]);
    let r = common::scan(d.path());
    // The variable the container gets: the last line of the last file that sets it.
    let mut got: Vec<String> = active(&r, "MCP-SE-003")
        .iter()
        .map(|f| {
            let l = f.location.as_ref().unwrap();
            format!("{}:{}", l.file, l.line)
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        ["a.env:3", "b.env:1"],
        "{}",
        common::finding_lines(&r, d.path())
    );
    // Every hard-coded entry is still a finding of its file (MCP-SE-001).
    assert_eq!(
        active(&r, "MCP-SE-001").len(),
        4,
        "{}",
        common::finding_lines(&r, d.path())
    );
}

#[test]
fn projects_share_a_dockerfile_the_walk_does_not_find() {
    // `build.docker` is not a Dockerfile name the walk picks up: it is read when a
    // service binds it, once for both projects; a missing one leaves its service opaque.
    let d = tempfile::tempdir().unwrap();
    let build = "build: {context: ../shared, dockerfile: build.docker}";
    write(d.path(), &[
        ("shared/build.docker", "FROM node:20.11\nRUN adduser -S mcp\nUSER mcp\nEXPOSE\n"),
        ("a/compose.yaml", &format!("services:\n  a-mcp:\n    {build}\n  gone-mcp:\n    build: {{context: ., dockerfile: missing.docker}}\n")),
        ("b/compose.yaml", &format!("services:\n  b-mcp:\n    {build}\n")),
    ]);
    let r = common::scan(d.path());
    let lines = common::finding_lines(&r, d.path());
    // Bound: USER mcp is what both services run as.
    assert!(active(&r, "MCP-EC-001").is_empty(), "{lines}");
    let units = |rule: &str| -> Vec<String> {
        let mut u: Vec<String> = active(&r, rule)
            .iter()
            .flat_map(|f| {
                f.units
                    .iter()
                    .map(|u| u.rsplit('#').next().unwrap_or(u).to_string())
            })
            .collect();
        u.sort();
        u.dedup();
        u
    };
    assert_eq!(units("MCP-EC-004"), ["gone-mcp"], "{lines}");
    assert!(
        active(&r, "MCP-EC-004")
            .iter()
            .any(|f| f.message.contains("missing.docker") && f.message.contains("does not exist")),
        "{lines}"
    );
    // The Dockerfile's own error, reported once.
    let errors: Vec<_> = active(&r, "MCP-AUD-001")
        .into_iter()
        .filter(|f| {
            f.location
                .as_ref()
                .is_some_and(|l| l.file.ends_with("shared/build.docker"))
        })
        .collect();
    assert_eq!(errors.len(), 1, "{lines}");
}

#[test]
fn an_unset_base_image_of_a_built_dockerfile_is_indeterminate() {
    let d = tempfile::tempdir().unwrap();
    let dockerfile = "ARG BASE\nFROM ${BASE}\nUSER 1000\nHEALTHCHECK CMD true\n";
    write(
        d.path(),
        &[
            ("Dockerfile", dockerfile),
            ("compose.yaml", "services:\n  srv:\n    build: .\n"),
        ],
    );
    let rules_named = |r: &mcp_audit::ScanResult| -> Vec<serde_json::Value> {
        active(r, "MCP-EC-004")
            .iter()
            .filter(|f| f.message.contains("base image"))
            .map(|f| {
                let loc = f.location.as_ref().unwrap();
                assert!(loc.file.ends_with("Dockerfile"), "{loc:?}");
                assert_eq!((loc.line, loc.col), (2, 6));
                f.evidence.as_ref().unwrap()["rules"].clone()
            })
            .collect()
    };
    // The service builds the Dockerfile without BASE: its pin cannot be decided.
    let r = common::scan(d.path());
    assert_eq!(
        rules_named(&r),
        [serde_json::json!(["MCP-SC-001"])],
        "{}",
        common::finding_lines(&r, d.path())
    );
    assert!(active(&r, "MCP-SC-001").is_empty());
    // Under an allowlist the registry is undecided too.
    write(
        d.path(),
        &[(
            ".mcp-audit.yaml",
            "allowed_registries: [\"ghcr.io/acme/*\"]\n",
        )],
    );
    let r = common::scan(d.path());
    assert_eq!(
        rules_named(&r),
        [serde_json::json!(["MCP-SC-001", "MCP-SC-002"])]
    );
    // The build argument decides both: SC-002 reports the registry, SC-001 the tag.
    write(
        d.path(),
        &[(
            "compose.yaml",
            "services:\n  srv:\n    build:\n      context: .\n      args:\n        BASE: docker.io/node:latest\n",
        )],
    );
    let r = common::scan(d.path());
    assert!(
        rules_named(&r).is_empty(),
        "{}",
        common::finding_lines(&r, d.path())
    );
    assert_eq!(active(&r, "MCP-SC-001").len(), 1);
    assert_eq!(active(&r, "MCP-SC-002").len(), 1);
}

/// An image whose unset variable may or may not lead to an allowed registry
/// (`ghcr.io/${ORG}/…` under `ghcr.io/acme/*`) leaves MCP-SC-002 indeterminate, with an
/// MCP-EC-004 entry at the image; the variable's value decides it either way.
#[test]
fn an_image_registry_left_open_by_a_variable_is_indeterminate() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (".mcp-audit.yaml", "allowed_registries: [\"ghcr.io/acme/*\"]\n"),
            (
                "compose.yaml",
                "services:\n  gh-mcp:\n    image: ghcr.io/${ORG}/gh-mcp:1.0.0\n    labels:\n      mcp.server: gh\n",
            ),
        ],
    );
    let sc002 = |r: &mcp_audit::ScanResult| -> String {
        let unit = r.units.iter().find(|u| u.name == "gh-mcp").unwrap();
        let v = unit
            .verdicts
            .iter()
            .find(|v| v.rule == "MCP-SC-002")
            .unwrap();
        serde_json::to_value(v.verdict)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    };
    let r = common::scan(d.path());
    assert_eq!(
        sc002(&r),
        "indeterminate",
        "{}",
        common::finding_lines(&r, d.path())
    );
    let open: Vec<_> = active(&r, "MCP-EC-004")
        .into_iter()
        .filter(|f| f.evidence.as_ref().unwrap()["control"] == "image registry")
        .collect();
    assert_eq!(open.len(), 1, "{}", common::finding_lines(&r, d.path()));
    assert_eq!(
        open[0].evidence.as_ref().unwrap()["rules"],
        serde_json::json!(["MCP-SC-002"])
    );
    assert_eq!(open[0].location.as_ref().unwrap().line, 3);
    assert!(
        open[0].message.contains("${ORG} is not set"),
        "{}",
        open[0].message
    );
    assert!(active(&r, "MCP-SC-002").is_empty());
    for (org, verdict, findings) in [("acme", "pass", 0), ("other", "fail", 1)] {
        write(d.path(), &[(".env", &format!("ORG={org}\n"))]);
        let r = common::scan(d.path());
        assert_eq!(
            sc002(&r),
            verdict,
            "{}",
            common::finding_lines(&r, d.path())
        );
        assert_eq!(active(&r, "MCP-SC-002").len(), findings);
        assert!(active(&r, "MCP-EC-004")
            .iter()
            .all(|f| f.evidence.as_ref().unwrap()["control"] != "image registry"));
    }
}

#[test]
fn a_configured_base_image_healthcheck_is_the_effective_one() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (
                ".mcp-audit.yaml",
                "base_images: [{image: \"localhost:5000/idp/base-*\", healthcheck: \"curl -f http://localhost:8080/health\"}]\n",
            ),
            ("Dockerfile", "FROM localhost:5000/idp/base-node:22.1\nUSER 1000\nCMD [\"node\", \"index.js\"]\n"),
            // Timings only: the test is inherited from the image, here its base image.
            (
                "compose.yaml",
                "services:\n  srv:\n    build: .\n    mem_limit: 512m\n    healthcheck:\n      interval: 30s\n",
            ),
        ],
    );
    let r = common::scan(d.path());
    let lines = common::finding_lines(&r, d.path());
    assert!(active(&r, "MCP-EC-002").is_empty(), "{lines}");
    assert!(active(&r, "MCP-DF-002").is_empty(), "{lines}");
    // Without the entry the same service has no health check.
    fs::remove_file(d.path().join(".mcp-audit.yaml")).unwrap();
    let r = common::scan(d.path());
    assert_eq!(active(&r, "MCP-EC-002").len(), 1);
}

/// An unset variable in a hardening field leaves the rules that read it undecided:
/// their verdict is indeterminate (with an MCP-EC-004 entry at the value), not pass;
/// a default decides them again.
#[test]
fn unset_hardening_fields_are_indeterminate_not_passed() {
    let d = tempfile::tempdir().unwrap();
    let compose = |value: &dyn Fn(&str, &str) -> String| {
        format!(
            "services:\n  files-mcp:\n    image: ghcr.io/acme/files-mcp:1.4.2\n    user: \"10001\"\n    healthcheck: {{test: [CMD, /bin/health]}}\n    privileged: {}\n    use_api_socket: {}\n    read_only: {}\n    cpus: {}\n    security_opt: [\"{}\"]\n    ports: [\"{}:8080:8080\"]\n    volumes: [\"{}:/data\"]\n    labels:\n      mcp.server: files\n      mcp.owner: {}\n",
            value("PRIV", "false"),
            value("SOCK", "false"),
            value("RO", "true"),
            value("CPUS", "0.5"),
            value("SECOPT", "no-new-privileges:true"),
            value("BIND", "127.0.0.1"),
            value("DATA", "files-data"),
            value("OWNER", "platform"),
        )
    };
    let rules = [
        "MCP-CS-001",
        "MCP-CS-002",
        "MCP-CS-005",
        "MCP-CS-006",
        "MCP-CS-009",
        "MCP-CS-011",
        "MCP-CS-012",
        "MCP-CS-014",
        "MCP-MD-005",
    ];
    // Scan `compose`, and check every rule above has `verdict` on the service.
    let scan_expecting = |compose: String, verdict: &str| -> mcp_audit::ScanResult {
        write(d.path(), &[("compose.yaml", &compose)]);
        let r = common::scan(d.path());
        let unit = r.units.iter().find(|u| u.name == "files-mcp").unwrap();
        let got: Vec<(&str, String)> = rules
            .iter()
            .map(|rule| {
                let v = unit.verdicts.iter().find(|v| v.rule == *rule).unwrap();
                let v = serde_json::to_value(v.verdict).unwrap();
                (*rule, v.as_str().unwrap().to_string())
            })
            .collect();
        let want: Vec<(&str, String)> = rules.iter().map(|r| (*r, verdict.to_string())).collect();
        assert_eq!(got, want, "{}", common::finding_lines(&r, d.path()));
        r
    };
    let r = scan_expecting(compose(&|var, _| format!("${{{var}}}")), "indeterminate");
    // The server publishes its port whatever `BIND` is set to (MCP-CS-013); only the
    // interfaces (MCP-CS-014) are undecided. With the default, loopback, it is still
    // published outside a dev context.
    let cs013 = active(&r, "MCP-CS-013");
    assert_eq!(cs013.len(), 1, "{}", common::finding_lines(&r, d.path()));
    assert!(
        cs013[0].message.contains("host port 8080"),
        "{}",
        cs013[0].message
    );
    let controls: Vec<&str> = active(&r, "MCP-EC-004")
        .iter()
        .map(|f| f.evidence.as_ref().unwrap()["control"].as_str().unwrap())
        .collect();
    assert_eq!(
        controls,
        [
            "privileged",
            "use_api_socket",
            "read_only",
            "CPU limit",
            "security_opt",
            "published port",
            "volume",
            "label mcp.owner"
        ]
    );
    let r = scan_expecting(
        compose(&|var, default| format!("${{{var}:-{default}}}")),
        "pass",
    );
    assert!(active(&r, "MCP-EC-004").is_empty());
    assert_eq!(active(&r, "MCP-CS-013").len(), 1);
}

/// A secret in an env_file is committed unless a `.gitignore` keeps the file out of
/// the repository (MCP-SE-001); a secret file beside the Compose file is committed
/// unless ignored (MCP-SE-004).
#[test]
fn gitignored_env_and_secret_files_are_not_committed() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (
                "compose.yaml",
                "services:\n  gh-mcp:\n    image: ghcr.io/acme/gh-mcp:1.0.0\n    env_file: [.env.local]\n    secrets: [gh_token]\nsecrets:\n  gh_token:\n    file: ./secrets/gh_token.txt\n",
            ),
            (".env.local", "GITHUB_TOKEN=s3cr3t-value-for-the-test\n"),
            ("secrets/gh_token.txt", "s3cr3t\n"),
        ],
    );
    let r = common::scan(d.path());
    assert_eq!(
        active(&r, "MCP-SE-001").len(),
        1,
        "{}",
        common::finding_lines(&r, d.path())
    );
    let se4 = active(&r, "MCP-SE-004");
    assert_eq!(se4.len(), 1);
    assert_eq!(
        se4[0].evidence.as_ref().unwrap()["defect"],
        "file-not-gitignored"
    );
    write(d.path(), &[(".gitignore", ".env.local\nsecrets/\n")]);
    let r = common::scan(d.path());
    assert!(
        active(&r, "MCP-SE-001").is_empty(),
        "{}",
        common::finding_lines(&r, d.path())
    );
    assert!(active(&r, "MCP-SE-004").is_empty());
    // Inside an ignored directory a negation cannot re-include a file, as in git…
    write(d.path(), &[("secrets/.gitignore", "!gh_token.txt\n")]);
    let r = common::scan(d.path());
    assert!(active(&r, "MCP-SE-004").is_empty());
    // …but a deeper negation of an ignored file pattern does.
    write(
        d.path(),
        &[
            (".gitignore", ".env.local\n*.txt\n"),
            ("secrets/.gitignore", "!gh_token.txt\n"),
        ],
    );
    let r = common::scan(d.path());
    assert_eq!(active(&r, "MCP-SE-004").len(), 1);
    assert!(active(&r, "MCP-SE-001").is_empty());
}

#[test]
fn included_and_extended_services_run_what_their_own_files_build() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (
                "hub/compose.yaml",
                "include:\n  - ../servers/github/compose.yaml\nservices:\n  hub:\n    extends:\n      file: ../common/base.yaml\n      service: hardened\n    image: hub:1.0\n    depends_on: [github-mcp]\n",
            ),
            (
                "servers/github/compose.yaml",
                "services:\n  github-mcp:\n    build: .\n    mem_limit: ${MEM:-0}\n    labels:\n      mcp.server: github\n",
            ),
            ("servers/github/.env", "MEM=256m\n"),
            // No USER: the server runs as root, from the Dockerfile beside its file.
            ("servers/github/Dockerfile", "FROM node:20.11-alpine\nCMD [\"node\", \"index.js\"]\n"),
            (
                "common/base.yaml",
                "services:\n  hardened:\n    build: ./hub-image\n    read_only: true\n    mem_limit: 128m\n",
            ),
            ("common/hub-image/Dockerfile", "FROM alpine:3.20\nUSER 10001\nHEALTHCHECK CMD true\n"),
        ],
    );
    let r = common::scan(d.path());
    let lines = common::finding_lines(&r, d.path());
    let ids: Vec<&str> = r.units.iter().map(|u| u.id.as_str()).collect();
    // The included file is part of the hub's project, not a project of its own.
    assert!(ids.contains(&"hub/compose.yaml#github-mcp"), "{ids:?}");
    assert!(!ids.iter().any(|i| i.starts_with("servers/")), "{ids:?}");
    // Its build context is its own directory, and `.env` there fed `${MEM}`.
    let root = active(&r, "MCP-EC-001");
    assert!(
        root.iter().any(|f| f.message.contains("\"github-mcp\"")
            && f.location
                .as_ref()
                .unwrap()
                .file
                .ends_with("servers/github/Dockerfile")),
        "{lines}"
    );
    assert!(
        !active(&r, "MCP-CS-004")
            .iter()
            .any(|f| f.message.contains("github-mcp")),
        "{lines}"
    );
    // The hub's build, limit and read-only root come from the extended service.
    for rule in ["MCP-CS-004", "MCP-CS-009", "MCP-DF-001", "MCP-EC-001"] {
        assert!(
            !active(&r, rule)
                .iter()
                .any(|f| f.message.contains("\"hub\"")),
            "{rule}: {lines}"
        );
    }
    assert!(!lines.contains("MCP-AUD-001"), "{lines}");
}

/// An include entry's `env_file:` interpolates the included file in place of its
/// directory's `.env`; one that cannot be read is an MCP-AUD-001 at the entry.
#[test]
fn an_include_env_file_interpolates_the_included_file() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        &[
            (
                "hub/compose.yaml",
                "include:\n  - path: ../servers/github/compose.yaml\n    env_file: [../env/prod.env, ../env/missing.env]\nservices:\n  hub:\n    image: hub:1.0\n",
            ),
            (
                "servers/github/compose.yaml",
                "services:\n  github-mcp:\n    image: ghcr.io/acme/gh:1.0.0\n    mem_limit: ${MEM:-0}\n    labels:\n      mcp.server: github\n",
            ),
            // Not read: the entry names its own env file.
            ("servers/github/.env", "MEM=0\n"),
            ("env/prod.env", "MEM=256m\n"),
        ],
    );
    let r = common::scan(d.path());
    let lines = common::finding_lines(&r, d.path());
    assert!(
        !active(&r, "MCP-CS-004")
            .iter()
            .any(|f| f.message.contains("github-mcp")),
        "{lines}"
    );
    let errors = active(&r, "MCP-AUD-001");
    assert_eq!(errors.len(), 1, "{lines}");
    let loc = errors[0].location.as_ref().unwrap();
    assert_eq!((&*loc.file, loc.line), ("hub/compose.yaml", 3), "{lines}");
    assert!(
        errors[0].message.contains("env_file ../env/missing.env"),
        "{lines}"
    );
}
