//! The embedded policies' Rego unit tests run as part of `cargo test`.

#[test]
fn embedded_rego_tests_pass() {
    let outcomes = mcp_audit::engine::run_tests(&mcp_audit::engine::embedded_policies()).unwrap();
    assert!(
        outcomes.len() >= 20,
        "only {} Rego tests found",
        outcomes.len()
    );
    let failed: Vec<_> = outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| format!("{} {} {:?}", o.file, o.name, o.error))
        .collect();
    assert!(
        failed.is_empty(),
        "failing Rego tests:\n{}",
        failed.join("\n")
    );
}

#[test]
fn every_rule_has_a_test_file_and_fixtures() {
    let set = mcp_audit::engine::PolicySet::load(&[]).unwrap();
    let files = mcp_audit::engine::embedded_policies();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for r in set.rules() {
        let test = r.source.replace(".rego", "_test.rego");
        assert!(
            files.iter().any(|f| f.name == test),
            "{} has no {test}",
            r.id
        );
        for kind in ["fail", "pass"] {
            assert!(
                root.join("fixtures").join(&r.id).join(kind).is_dir(),
                "{} has no fixtures/{}/{kind}",
                r.id,
                r.id
            );
        }
    }
}

#[test]
fn generated_rule_docs_are_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let set = mcp_audit::engine::PolicySet::load(&[]).unwrap();
    let mut stale = Vec::new();
    for (name, text) in mcp_audit::docs::generate(set.rules(), &root.join("fixtures")) {
        let path = root.join("docs/rules").join(&name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale for {stale:?}: run `cargo run -- rules --write-docs docs/rules`"
    );
}

#[test]
fn readme_lists_every_rule() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let set = mcp_audit::engine::PolicySet::load(&[]).unwrap();
    let updated =
        mcp_audit::docs::update_readme(&readme, set.rules()).expect("README has the rules markers");
    assert!(
        updated == readme,
        "README rules table is stale: run `cargo run -- rules --write-docs docs/rules`"
    );
    for r in set.rules() {
        assert!(readme.contains(&r.id), "README does not list {}", r.id);
    }
}

/// `policies/vm-programs.bin` holds the embedded rules' VM programs as this build
/// compiles them (`MCP_AUDIT_UPDATE_PROGRAMS=1` rewrites it), and the binary uses it.
#[test]
fn prebuilt_vm_programs_are_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/vm-programs.bin");
    let fresh = mcp_audit::prebuilt::build().unwrap();
    if std::env::var_os("MCP_AUDIT_UPDATE_PROGRAMS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let stale = "policies/vm-programs.bin is stale: run \
                 `MCP_AUDIT_UPDATE_PROGRAMS=1 cargo test --test policies prebuilt`";
    assert!(std::fs::read(&path).ok() == Some(fresh), "{stale}");
    let embedded = mcp_audit::prebuilt::embedded().expect(stale);
    let set = mcp_audit::engine::PolicySet::load(&[]).unwrap();
    assert!(set.uses_prebuilt_programs());
    assert_eq!(
        embedded.len(),
        set.rules().len(),
        "every rule has its program"
    );
    assert_eq!(set.vm_programs().len(), set.rules().len());
}
