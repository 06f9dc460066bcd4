//! The effective image config of a Dockerfile's target stage: stage ancestry through
//! `FROM <stage>`, ARG/ENV scoping, and the USER / HEALTHCHECK / LABEL it ends with.

use crate::config::BaseImage;
use crate::parse::dockerfile::{self, Arguments, Dockerfile, Instruction, Stage};
use crate::parse::interpolate;
use crate::secrets::Placeholders;
use crate::source::{Loc, SourceFile};
use serde::Serialize;
use std::collections::BTreeMap;

/// Base images known to run as a non-root user by default.
const NONROOT_BASES: &[&str] = &[
    "gcr.io/distroless/*:nonroot",
    "gcr.io/distroless/*:*-nonroot",
    "*:nonroot",
    "*:*-nonroot",
    "cgr.dev/chainguard/*",
];

#[derive(Clone, Debug, Serialize)]
pub struct StageRef {
    pub index: usize,
    pub name: String,
    pub base: String,
    pub loc: Loc,
}

#[derive(Clone, Debug, Serialize)]
pub struct FromRef {
    /// As written, e.g. `${BASE}`.
    pub image: String,
    /// After global ARG defaults (and build args).
    pub resolved: String,
    /// `external`, `stage` or `scratch`.
    pub kind: &'static str,
    pub stage: String,
    pub in_chain: bool,
    pub indeterminate: bool,
    /// Unresolved, but the tag and digest are written after the last unresolved
    /// variable ([`crate::model::image_pin_fixed`]): `FROM ${REGISTRY}/node:latest`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pin_fixed: bool,
    /// Unresolved, but the text before the first unresolved variable fixes the
    /// registry ([`crate::model::image_registry_head`]): `ghcr.io/acme/${NAME}:1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_head: Option<String>,
    pub loc: Loc,
}

#[derive(Clone, Debug, Serialize)]
pub struct UserView {
    /// As written (`${UID}`) or `root` when defaulted.
    pub value: String,
    /// After ARG/ENV expansion.
    pub resolved: String,
    pub uid: String,
    pub root: bool,
    pub indeterminate: bool,
    /// `USER`, `base-image` or `default`.
    pub source: &'static str,
    pub stage: String,
    pub loc: Loc,
    pub from: Vec<Loc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct HealthView {
    pub present: bool,
    pub none: bool,
    pub indeterminate: bool,
    /// `HEALTHCHECK`, `base-image` (from `base_images` in the config) or `none`.
    pub source: &'static str,
    pub stage: String,
    pub test: Option<String>,
    pub loc: Loc,
    pub from: Vec<Loc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Valued {
    pub value: String,
    pub loc: Loc,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<crate::secrets::SecretInfo>,
}

impl Valued {
    fn named(name: &str, value: String, loc: Loc, placeholders: &Placeholders) -> Valued {
        let secret = crate::secrets::classify_with(name, &value, placeholders);
        let value = match &secret {
            Some(i) if i.credential || i.kind != "reference" => crate::secrets::redact(&value),
            _ => value,
        };
        Valued { value, loc, secret }
    }
}

/// One instruction of the file, for rules that read commands (RUN, ADD, COPY…).
#[derive(Clone, Debug, Serialize)]
pub struct InstView {
    pub keyword: String,
    /// Arguments after flags, continuations joined (credentials redacted).
    pub text: String,
    /// `exec` (JSON array), `shell`, or `none`.
    pub form: &'static str,
    /// Exec-form words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    pub flags: Vec<FlagView>,
    /// Heredoc bodies (RUN <<EOF), credentials redacted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub heredocs: Vec<String>,
    /// ENV only: its `KEY=value` pairs, values unquoted (credential-shaped words
    /// masked), with whether the key names a secret ([`crate::secrets::secret_name`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<PairView>,
    /// RUN only: the programs its text and heredocs run ([`super::shell::calls`]);
    /// moved into [`DockerfileView::programs`] when the whole file is resolved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<super::shell::Call>,
    pub stage: String,
    pub in_chain: bool,
    /// Credential-shaped strings found in the arguments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<&'static str>,
    pub loc: Loc,
}

/// One run of a program by a RUN instruction.
#[derive(Clone, Debug, Serialize)]
pub struct ProgramRun {
    /// The words after the program in its command.
    pub args: Vec<String>,
    /// Index of the RUN instruction in `instructions`.
    pub inst: usize,
    pub stage: String,
    pub in_chain: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct PairView {
    pub name: String,
    pub value: String,
    pub secret_name: bool,
    /// The variables the value references (`$X`, `${X}`, `${X:-…}`), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<VarRef>,
}

/// A variable named in a value, with whether its name names a secret.
#[derive(Clone, Debug, Serialize)]
pub struct VarRef {
    pub name: String,
    pub secret_name: bool,
}

/// The variables `$X` / `${X…` a value references, in order (repeats kept).
fn var_refs(value: &str) -> Vec<VarRef> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if b.get(j) == Some(&b'{') {
            j += 1;
        }
        let start = j;
        if b.get(j)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        {
            j += 1;
            while b
                .get(j)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                j += 1;
            }
            let name = &value[start..j];
            out.push(VarRef {
                name: name.to_string(),
                secret_name: crate::secrets::secret_name(name),
            });
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

#[derive(Clone, Debug, Serialize)]
pub struct FlagView {
    pub name: String,
    pub value: Option<String>,
}

/// ARG declarations (global ones with `stage: ""`).
#[derive(Clone, Debug, Serialize)]
pub struct ArgView {
    pub name: String,
    /// Whether the name names a secret ([`crate::secrets::secret_name`]).
    pub secret_name: bool,
    pub default: Option<Valued>,
    pub stage: String,
    pub in_chain: bool,
    pub loc: Loc,
}

/// Effective ENTRYPOINT or CMD of the target stage.
#[derive(Clone, Debug, Serialize)]
pub struct CmdView {
    pub form: &'static str,
    pub value: String,
    pub words: Vec<String>,
    /// The programs `value` runs ([`super::shell::calls`]).
    pub calls: Vec<super::shell::Call>,
    pub stage: String,
    pub loc: Loc,
}

fn redact_text(t: &str) -> (String, Vec<&'static str>) {
    crate::secrets::mask_and_find(t)
}

fn inst_view(
    inst: &Instruction,
    stage: String,
    in_chain: bool,
    src: &SourceFile,
    placeholders: &Placeholders,
) -> InstView {
    let (form, words, text) = match &inst.args {
        Arguments::Exec(ws) => (
            "exec",
            ws.iter().map(|w| w.text.clone()).collect::<Vec<_>>(),
            ws.iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Arguments::Shell(w) => ("shell", vec![], w.text.clone()),
        Arguments::None => ("none", vec![], String::new()),
    };
    let (text, mut secrets) = redact_text(&text);
    let words = words.iter().map(|w| redact_text(w).0).collect();
    let heredocs = inst
        .heredocs
        .iter()
        .map(|h| {
            let (t, found) = redact_text(&h.body);
            secrets.extend(found);
            t
        })
        .collect::<Vec<String>>();
    let calls = if inst.keyword == "RUN" {
        super::shell::calls(&super::shell::commands_of(
            std::iter::once(text.as_str()).chain(heredocs.iter().map(String::as_str)),
        ))
    } else {
        Vec::new()
    };
    let pairs = if inst.keyword == "ENV" {
        inst.key_values(src)
            .into_iter()
            .map(|kv| {
                let raw = kv.value.map(|v| v.text).unwrap_or_default();
                // Secret values are redacted as everywhere else (placeholders and
                // references are kept: the rules tell them from literals).
                let value = match crate::secrets::classify_with(&kv.key.text, &raw, placeholders) {
                    // Masked as in the instruction text: same length, all `*`.
                    Some(i) if !matches!(i.kind, "reference" | "placeholder") => {
                        "*".repeat(raw.chars().count())
                    }
                    _ => crate::secrets::mask_words(&raw),
                };
                PairView {
                    secret_name: crate::secrets::secret_name(&kv.key.text),
                    refs: var_refs(&value),
                    value,
                    name: kv.key.text,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    InstView {
        keyword: inst.keyword.clone(),
        text,
        form,
        words,
        flags: inst
            .flags
            .iter()
            .map(|f| FlagView {
                name: f.name.clone(),
                value: f.value.clone(),
            })
            .collect(),
        heredocs,
        pairs,
        calls,
        stage,
        in_chain,
        secrets,
        loc: src.loc(inst.span),
    }
}

/// The rule input of one instruction written alone (`ENV A=1`), as mcp-audit builds it
/// for a file: for Rego tests (`mcp_audit_instruction(text)` in `policy test`).
pub fn instruction_view(text: &str) -> Option<InstView> {
    let src = SourceFile::from_bytes(
        std::path::Path::new("Dockerfile"),
        "Dockerfile".into(),
        format!("FROM scratch\n{text}\n").as_bytes(),
    );
    let df = dockerfile::parse(&src);
    let inst = df.instructions.get(1)?;
    Some(inst_view(
        inst,
        "#0".into(),
        true,
        &src,
        &Placeholders::default(),
    ))
}

/// The Dockerfile part of a Rego input document.
#[derive(Clone, Debug, Serialize)]
pub struct DockerfileView {
    pub file: String,
    pub target: StageRef,
    pub stages: Vec<StageRef>,
    /// Stage names from the root of the ancestry to the target.
    pub chain: Vec<String>,
    pub from: Vec<FromRef>,
    pub user: UserView,
    pub healthcheck: HealthView,
    pub labels: BTreeMap<String, Valued>,
    pub env: BTreeMap<String, Valued>,
    /// Base image at the root of the chain (`scratch` included).
    pub base_image: String,
    /// Accounts that `base_images` of the config say the base image creates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub base_accounts: Vec<String>,
    /// Every instruction of the file (`in_chain` marks the target's ancestry).
    pub instructions: Vec<InstView>,
    /// The programs the RUN instructions run ([`super::shell::calls`]), by program name
    /// (`npm`, `pip3`, `useradd`…), so a rule looks one up instead of scanning commands.
    pub programs: BTreeMap<String, Vec<ProgramRun>>,
    /// Indexes in `instructions` by keyword (`ENV` → [3, 7]), so a rule reads the
    /// instructions of one kind without scanning them all.
    pub keywords: BTreeMap<String, Vec<usize>>,
    pub args: Vec<ArgView>,
    pub entrypoint: Option<CmdView>,
    pub cmd: Option<CmdView>,
    /// Credentials of build-context files that COPY/ADD bring in (filled where the
    /// context is known: [`super::context::copied_secrets`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub copied_secrets: Vec<super::context::CopiedSecret>,
}

/// Why a target could not be selected.
#[derive(Debug)]
pub enum TargetError {
    NoStages,
    UnknownTarget(String),
}

fn stage_name(s: &Stage) -> String {
    s.name
        .as_ref()
        .map(|w| w.text.to_ascii_lowercase())
        .unwrap_or_else(|| format!("#{}", s.index))
}

/// Expand `$V`/`${V}`/modifiers with a scope; unresolved when a variable is unset.
fn expand(text: &str, scope: &BTreeMap<String, String>) -> (String, bool) {
    let (value, unresolved) = expand_at(text, scope);
    (value, unresolved.is_some())
}

/// [`expand`], with where (byte offsets in `text`) the first unresolved reference
/// starts and the last one ends; all of `text` for a text that does not expand
/// (nothing in it is known).
fn expand_at(
    text: &str,
    scope: &BTreeMap<String, String>,
) -> (String, Option<std::ops::Range<usize>>) {
    if !text.contains('$') {
        return (text.to_string(), None);
    }
    let lookup = |n: &str| scope.get(n).cloned();
    match interpolate::interpolate(text, &lookup, 16) {
        Ok(i) => {
            let span = i.unresolved_span();
            (i.value, span)
        }
        Err(_) => (text.to_string(), Some(0..text.len())),
    }
}

/// The reference without its digest: `…:nonroot@sha256:…` pins the image `…:nonroot`.
fn without_digest(image: &str) -> &str {
    image.split_once('@').map_or(image, |(name, _)| name)
}

/// A base image known to run as non-root by default, digest or not.
pub fn is_nonroot_base(image: &str) -> bool {
    let image = without_digest(image);
    NONROOT_BASES
        .iter()
        .any(|p| crate::config::wildcard_match(p, image))
}

/// The uid part of a USER value, and whether it is root.
pub fn user_is_root(value: &str) -> (String, bool) {
    let uid = value
        .split(':')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"')
        .to_string();
    let root = uid == "root"
        || (!uid.is_empty()
            && uid.bytes().all(|b| b.is_ascii_digit())
            && uid.bytes().all(|b| b == b'0'));
    (uid, root)
}

/// Resolve the effective config of `target` (a stage name, case-insensitive; `None` =
/// last), with the team's base images and placeholder values from the config.
pub fn resolve(
    src: &SourceFile,
    df: &Dockerfile,
    target: Option<&str>,
    build_args: &BTreeMap<String, String>,
    bases: &[BaseImage],
    placeholders: &Placeholders,
) -> Result<DockerfileView, TargetError> {
    let stages = df.stages();
    if stages.is_empty() {
        return Err(TargetError::NoStages);
    }
    let ins = &df.instructions;
    // Global ARGs: usable in FROM only. A default may use the global ARGs before it
    // (`ARG BASE_IMAGE=$REGISTRY/$OWNER/base-notebook`); one that uses an unset
    // variable has no known value.
    let mut global: BTreeMap<String, String> = BTreeMap::new();
    let mut global_declared: BTreeMap<String, Option<String>> = BTreeMap::new();
    for a in df.global_args() {
        for kv in a.key_values(src) {
            let name = kv.key.text.clone();
            let default = kv
                .value
                .as_ref()
                .and_then(|v| match expand(&v.text, &global) {
                    (value, false) => Some(value),
                    (_, true) => None,
                });
            let value = build_args.get(&name).cloned().or(default);
            if let Some(v) = &value {
                global.insert(name.clone(), v.clone());
            }
            global_declared.insert(name, value);
        }
    }
    let names: Vec<String> = stages.iter().map(stage_name).collect();
    let target_idx = match target {
        None => stages.len() - 1,
        Some(t) => {
            let t = t.to_ascii_lowercase();
            names
                .iter()
                .position(|n| *n == t)
                .ok_or(TargetError::UnknownTarget(t))?
        }
    };
    // FROM references and the parent of each stage.
    let mut parent: Vec<Option<usize>> = vec![None; stages.len()];
    let mut from_refs = Vec::new();
    for (i, s) in stages.iter().enumerate() {
        let (resolved, unresolved) = expand_at(&s.base.text, &global);
        let lower = resolved.to_ascii_lowercase();
        let kind = if let Some(p) = names[..i].iter().position(|n| *n == lower) {
            parent[i] = Some(p);
            "stage"
        } else if lower == "scratch" {
            "scratch"
        } else {
            "external"
        };
        from_refs.push((
            i,
            s.base.text.clone(),
            resolved,
            kind,
            unresolved,
            src.loc(s.base.span),
        ));
    }
    let mut chain = vec![target_idx];
    while let Some(p) = parent[*chain.last().unwrap_or(&0)] {
        if chain.contains(&p) {
            break;
        }
        chain.push(p);
    }
    chain.reverse();
    let stage_ref = |i: usize| StageRef {
        index: i,
        name: names[i].clone(),
        base: stages[i].base.text.clone(),
        loc: src.loc(ins[stages[i].from].span),
    };
    let root_stage = chain[0];
    let base_image = from_refs[root_stage].2.clone();

    // Walk the chain in order, tracking ENV (inherited) and ARG (per stage).
    let mut env: BTreeMap<String, Valued> = BTreeMap::new();
    let mut labels: BTreeMap<String, Valued> = BTreeMap::new();
    let mut user: Option<(String, String, bool, usize, &Instruction)> = None;
    let mut users_seen: Vec<Loc> = Vec::new();
    let mut health: Option<(bool, Option<String>, usize, &Instruction)> = None;
    let mut entrypoint: Option<CmdView> = None;
    let mut cmd: Option<CmdView> = None;
    for &si in &chain {
        let s = &stages[si];
        // What an instruction's `$VAR`s expand to: this stage's ARGs, overridden by the
        // ENV so far ("ENV always overrides an ARG of the same name", whichever comes
        // first), as they stood before the instruction (so `ENV A=1 B=$A` gives B the
        // earlier A). Kept up to date after each ARG and ENV rather than rebuilt for
        // every instruction, which made a Dockerfile with many ENV lines quadratic.
        let mut scope: BTreeMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect();
        for inst in &ins[s.body.clone()] {
            match inst.keyword.as_str() {
                "ARG" => {
                    let mut set = Vec::new();
                    for kv in inst.key_values(src) {
                        let name = kv.key.text.clone();
                        let default = match &kv.value {
                            Some(v) => Some(expand(&v.text, &scope).0),
                            None => global_declared.get(&name).cloned().flatten(),
                        };
                        if let Some(v) = build_args.get(&name).cloned().or(default) {
                            set.push((name, v));
                        }
                    }
                    for (name, v) in set {
                        if !env.contains_key(&name) {
                            scope.insert(name, v);
                        }
                    }
                }
                "ENV" => {
                    let mut set = Vec::new();
                    for kv in inst.key_values(src) {
                        let v = kv
                            .value
                            .as_ref()
                            .map(|v| expand(&v.text, &scope).0)
                            .unwrap_or_default();
                        set.push((
                            kv.key.text.clone(),
                            Valued::named(&kv.key.text, v, src.loc(inst.span), placeholders),
                        ));
                    }
                    for (name, v) in set {
                        scope.insert(name.clone(), v.value.clone());
                        env.insert(name, v);
                    }
                }
                "LABEL" => {
                    for kv in inst.key_values(src) {
                        let v = kv
                            .value
                            .as_ref()
                            .map(|v| expand(&v.text, &scope).0)
                            .unwrap_or_default();
                        labels.insert(
                            kv.key.text.clone(),
                            Valued {
                                value: v,
                                loc: src.loc(inst.span),
                                secret: None,
                            },
                        );
                    }
                }
                "USER" => {
                    let written = match &inst.args {
                        Arguments::Shell(w) => w.text.trim().to_string(),
                        Arguments::Exec(ws) => {
                            ws.first().map(|w| w.text.clone()).unwrap_or_default()
                        }
                        Arguments::None => String::new(),
                    };
                    let (resolved, unresolved) = expand(&written, &scope);
                    users_seen.push(src.loc(inst.span));
                    let empty = written.is_empty();
                    user = Some((written, resolved, unresolved || empty, si, inst));
                }
                "ENTRYPOINT" | "CMD" => {
                    let v = inst_view(inst, names[si].clone(), true, src, placeholders);
                    let c = CmdView {
                        form: v.form,
                        calls: super::shell::calls(&super::shell::commands(&v.text)),
                        value: v.text,
                        words: v.words,
                        stage: names[si].clone(),
                        loc: v.loc,
                    };
                    if inst.keyword == "ENTRYPOINT" {
                        entrypoint = Some(c);
                        // Setting ENTRYPOINT resets an inherited CMD.
                        if cmd.as_ref().is_some_and(|c| c.stage != names[si]) {
                            cmd = None;
                        }
                    } else {
                        cmd = Some(c);
                    }
                }
                "HEALTHCHECK" => {
                    if let Some(h) = dockerfile::healthcheck(inst) {
                        let test = match &h.cmd {
                            Arguments::Shell(w) => Some(w.text.clone()),
                            Arguments::Exec(ws) => Some(
                                ws.iter()
                                    .map(|w| w.text.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" "),
                            ),
                            Arguments::None => None,
                        };
                        health = Some((h.none, test, si, inst));
                    }
                }
                _ => {}
            }
        }
    }
    let target_from = src.loc(ins[stages[target_idx].from].span);
    let refs = [base_image.as_str(), without_digest(&base_image)];
    let configured: Vec<&BaseImage> = bases
        .iter()
        .filter(|b| {
            refs.iter()
                .any(|r| crate::config::match_image(&b.image, r).is_some())
        })
        .collect();
    // The configured default user of the base image, when it is not root.
    let base_user = configured
        .iter()
        .filter_map(|b| b.user.as_deref().map(str::trim))
        .find(|u| !u.is_empty() && !user_is_root(u).1);
    // (how the view shows it, the user)
    let base_default = match base_user {
        Some(u) => Some((
            format!("(default of {base_image}, per `base_images`)"),
            u.to_string(),
        )),
        None => is_nonroot_base(&base_image)
            .then(|| (format!("(default of {base_image})"), "nonroot".to_string())),
    };
    let mut base_accounts: Vec<String> = configured
        .iter()
        .flat_map(|b| b.user.iter().chain(&b.accounts))
        .map(|a| user_is_root(a).0)
        .filter(|a| !a.is_empty() && !a.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    base_accounts.sort();
    base_accounts.dedup();
    let user = match user {
        Some((written, resolved, indeterminate, si, inst)) => {
            let (uid, root) = user_is_root(&resolved);
            let loc = src.loc(inst.span);
            UserView {
                value: written,
                resolved,
                uid,
                root: root && !indeterminate,
                indeterminate,
                source: "USER",
                stage: names[si].clone(),
                from: users_seen.iter().filter(|l| **l != loc).cloned().collect(),
                loc,
            }
        }
        // No USER: the base image's own non-root default, from the config or the
        // built-in list.
        None if base_default.is_some() => {
            let (value, resolved) = base_default.unwrap_or_default();
            UserView {
                value,
                uid: user_is_root(&resolved).0,
                resolved,
                root: false,
                indeterminate: false,
                source: "base-image",
                stage: names[target_idx].clone(),
                loc: target_from.clone(),
                from: vec![],
            }
        }
        None => UserView {
            value: "root".into(),
            resolved: "root".into(),
            uid: "root".into(),
            root: true,
            indeterminate: false,
            source: "default",
            stage: names[target_idx].clone(),
            loc: target_from.clone(),
            from: vec![],
        },
    };
    let healthcheck = match health {
        Some((none, test, si, inst)) => HealthView {
            present: !none,
            none,
            indeterminate: false,
            source: if none { "none" } else { "HEALTHCHECK" },
            stage: names[si].clone(),
            test: if none { None } else { test },
            loc: src.loc(inst.span),
            from: vec![],
        },
        // No HEALTHCHECK in the chain: the base image's own, when the config gives one.
        None => {
            let base_test = configured
                .iter()
                .filter_map(|b| b.healthcheck.as_deref().map(str::trim))
                .find(|t| !t.is_empty());
            HealthView {
                present: base_test.is_some(),
                none: false,
                indeterminate: false,
                source: if base_test.is_some() {
                    "base-image"
                } else {
                    "none"
                },
                stage: names[target_idx].clone(),
                test: base_test.map(str::to_string),
                loc: target_from.clone(),
                from: vec![],
            }
        }
    };
    let from = from_refs
        .into_iter()
        .map(|(i, image, resolved, kind, unresolved, loc)| FromRef {
            pin_fixed: unresolved
                .as_ref()
                .is_some_and(|r| crate::model::image_pin_fixed(&image, r.end)),
            registry_head: unresolved
                .as_ref()
                .and_then(|r| crate::model::image_registry_head(&image, r.start))
                .map(str::to_string),
            image,
            resolved,
            kind,
            stage: names[i].clone(),
            in_chain: chain.contains(&i),
            indeterminate: unresolved.is_some(),
            loc,
        })
        .collect();
    let stage_of = |idx: usize| {
        stages
            .iter()
            .position(|s| s.body.contains(&idx) || s.from == idx)
    };
    let mut instructions: Vec<InstView> = ins
        .iter()
        .enumerate()
        .map(|(idx, inst)| {
            let (stage, in_chain) = match stage_of(idx) {
                Some(si) => (names[si].clone(), chain.contains(&si)),
                None => (String::new(), false),
            };
            inst_view(inst, stage, in_chain, src, placeholders)
        })
        .collect();
    // The programs RUN instructions run, indexed by program name; the instructions
    // by keyword.
    let mut programs: BTreeMap<String, Vec<ProgramRun>> = BTreeMap::new();
    let mut keywords: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (idx, iv) in instructions.iter_mut().enumerate() {
        match keywords.get_mut(&iv.keyword) {
            Some(at) => at.push(idx),
            None => {
                keywords.insert(iv.keyword.clone(), vec![idx]);
            }
        }
        for call in std::mem::take(&mut iv.calls) {
            programs.entry(call.program).or_default().push(ProgramRun {
                args: call.args,
                inst: idx,
                stage: iv.stage.clone(),
                in_chain: iv.in_chain,
            });
        }
    }
    let mut args = Vec::new();
    for (idx, inst) in ins.iter().enumerate().filter(|(_, i)| i.keyword == "ARG") {
        let (stage, in_chain) = match stage_of(idx) {
            Some(si) => (names[si].clone(), chain.contains(&si)),
            None => (String::new(), true),
        };
        for kv in inst.key_values(src) {
            args.push(ArgView {
                default: kv.value.as_ref().map(|v| {
                    Valued::named(&kv.key.text, v.text.clone(), src.loc(v.span), placeholders)
                }),
                name: kv.key.text.clone(),
                secret_name: crate::secrets::secret_name(&kv.key.text),
                stage: stage.clone(),
                in_chain,
                loc: src.loc(inst.span),
            });
        }
    }
    Ok(DockerfileView {
        instructions,
        programs,
        keywords,
        args,
        entrypoint,
        cmd,
        file: src.display.to_string(),
        target: stage_ref(target_idx),
        stages: (0..stages.len()).map(stage_ref).collect(),
        chain: chain.iter().map(|&i| names[i].clone()).collect(),
        from,
        user,
        healthcheck,
        labels,
        env,
        base_image,
        base_accounts,
        copied_secrets: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str, target: Option<&str>, args: &[(&str, &str)]) -> DockerfileView {
        let src = SourceFile::from_str("Dockerfile", text);
        let df = dockerfile::parse(&src);
        let args = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        resolve(&src, &df, target, &args, &[], &Placeholders::default()).unwrap()
    }

    #[test]
    fn keywords_index_and_variable_references() {
        let v = view(
            "FROM alpine\nARG API_TOKEN\nENV A=$HOME/x B=${DB_PASSWORD:-x}$1 C=$$ D=${}\nENV E=1\n",
            None,
            &[],
        );
        assert_eq!(v.keywords["ENV"], vec![2, 3]);
        assert_eq!(v.keywords["FROM"], vec![0]);
        assert!(v.args[0].secret_name);
        let refs: Vec<(String, Vec<(&str, bool)>)> = v.instructions[2]
            .pairs
            .iter()
            .map(|p| {
                let r = p.refs.iter().map(|r| (r.name.as_str(), r.secret_name));
                (p.name.clone(), r.collect())
            })
            .collect();
        assert_eq!(
            refs,
            vec![
                ("A".to_string(), vec![("HOME", false)]),
                ("B".to_string(), vec![("DB_PASSWORD", true)]),
                ("C".to_string(), vec![]),
                ("D".to_string(), vec![]),
            ]
        );
    }

    #[test]
    fn user_and_healthcheck_inherited_from_base() {
        let v = view(
            "FROM node:18 AS base\nUSER mcp\nHEALTHCHECK CMD true\nFROM base AS deps\nRUN x\nFROM base AS runtime\nCMD [\"node\"]\n",
            None,
            &[],
        );
        assert_eq!(v.chain, vec!["base", "runtime"]);
        assert!(!v.user.root);
        assert_eq!(v.user.stage, "base");
        assert_eq!(v.user.loc.line, 2);
        assert!(v.healthcheck.present);
        assert_eq!(v.healthcheck.loc.line, 3);
    }

    #[test]
    fn user_in_non_ancestor_stage_does_not_count() {
        let v = view(
            "FROM python:3.12 AS build\nUSER app\nFROM python:3.12-slim\nCOPY --from=build /a /a\n",
            None,
            &[],
        );
        assert!(v.user.root);
        assert_eq!(v.user.source, "default");
        assert_eq!(v.user.loc.line, 3);
    }

    #[test]
    fn build_target_selects_stage() {
        let text =
            "FROM node:20 AS proxy-image\nRUN x\nFROM node:20 AS reviewer-image\nUSER agent\n";
        assert!(view(text, Some("proxy-image"), &[]).user.root);
        assert!(!view(text, Some("REVIEWER-IMAGE"), &[]).user.root);
        assert!(!view(text, None, &[]).user.root);
    }

    #[test]
    fn arg_scoping_and_build_args() {
        let text = "ARG UID=0\nFROM alpine:3.20\nARG UID\nUSER ${UID}\n";
        assert!(view(text, None, &[]).user.root);
        assert!(!view(text, None, &[("UID", "1001")]).user.root);
        // A global ARG not re-declared in the stage expands to nothing.
        let v = view("ARG UID=1001\nFROM alpine:3.20\nUSER ${UID}\n", None, &[]);
        assert!(v.user.indeterminate);
        assert!(!v.user.root);
        let v = view(
            "FROM alpine:3.20\nARG UID=1001\nUSER ${UID:-0}\n",
            None,
            &[],
        );
        assert_eq!(v.user.resolved, "1001");
    }

    #[test]
    fn variables_expand_as_they_stood_before_the_instruction() {
        let v = view(
            concat!(
                "FROM alpine:3.20 AS base\n",
                "ENV A=1 B=$A\n", // B sees the A before this line: none
                "ENV C=$A\n",     // C sees A=1
                "ARG A=arg\n",    // ENV always overrides an ARG of the same name
                "ENV D=$A A=2\n", // D sees the ENV A=1, not the ARG
                "ENV E=$A\n",
                "USER u$A\n",
                "FROM base\n", // ARGs end with their stage; ENV is inherited
                "ENV F=$A\n",
                "LABEL g=$F\n",
            ),
            None,
            &[],
        );
        let env = |k: &str| v.env[k].value.as_str();
        assert_eq!(
            [env("A"), env("B"), env("C"), env("D"), env("E"), env("F")],
            ["2", "", "1", "1", "2", "2"]
        );
        assert_eq!(v.labels["g"].value, "2");
        assert_eq!(v.user.resolved, "u2");
    }

    #[test]
    fn root_spellings() {
        for u in ["root", "0", "root:root", "0:0", "00", "root:mcp"] {
            assert!(user_is_root(u).1, "{u}");
        }
        for u in ["mcp", "1001:0", "mcp:0", "1000"] {
            assert!(!user_is_root(u).1, "{u}");
        }
    }

    #[test]
    fn healthcheck_none_resets_and_from_refs() {
        let v = view(
            "ARG BASE=node:latest\nFROM ${BASE} AS base\nHEALTHCHECK CMD true\nFROM base\nHEALTHCHECK NONE\nFROM scratch AS out\n",
            Some("#1"),
            &[],
        );
        assert!(!v.healthcheck.present);
        assert!(v.healthcheck.none);
        let kinds: Vec<_> = v
            .from
            .iter()
            .map(|f| (f.kind, f.resolved.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("external", "node:latest"),
                ("stage", "base"),
                ("scratch", "scratch")
            ]
        );
    }

    #[test]
    fn global_arg_defaults_use_the_global_args_before_them() {
        let text = "ARG REGISTRY=quay.io\nARG OWNER=jupyter\nARG BASE_IMAGE=$REGISTRY/$OWNER/base-notebook\nARG LATER=${UNSET}/x\nFROM $BASE_IMAGE AS a\nFROM ${LATER}:1 AS b\nFROM a\nARG BASE_IMAGE\nUSER ${BASE_IMAGE}\n";
        let v = view(text, None, &[]);
        let got: Vec<(&str, bool)> = v
            .from
            .iter()
            .map(|f| (f.resolved.as_str(), f.indeterminate))
            .collect();
        assert_eq!(
            got,
            [
                ("quay.io/jupyter/base-notebook", false),
                (":1", true),
                ("a", false)
            ]
        );
        assert_eq!(v.base_image, "quay.io/jupyter/base-notebook");
        assert_eq!(v.user.resolved, "quay.io/jupyter/base-notebook");
        // A build arg replaces the default, and later defaults see it.
        let v = view(text, None, &[("OWNER", "acme")]);
        assert_eq!(v.from[0].resolved, "quay.io/acme/base-notebook");
    }

    #[test]
    fn from_with_an_unset_variable_before_the_tag() {
        let v = view(
            "ARG REGISTRY\nARG TAG\nFROM ${REGISTRY}/node:latest AS a\nFROM node:${TAG} AS b\nFROM pakyow/ci-ruby-$ruby:latest AS c\nFROM ${REGISTRY:-ghcr.io}/x:1 AS d\nFROM ${BASE}\n",
            None,
            &[],
        );
        let got: Vec<(&str, bool, bool)> = v
            .from
            .iter()
            .map(|f| (f.image.as_str(), f.indeterminate, f.pin_fixed))
            .collect();
        assert_eq!(
            got,
            [
                ("${REGISTRY}/node:latest", true, true),
                ("node:${TAG}", true, false),
                ("pakyow/ci-ruby-$ruby:latest", true, true),
                ("${REGISTRY:-ghcr.io}/x:1", false, false),
                ("${BASE}", true, false),
            ]
        );
        let heads: Vec<Option<&str>> = v.from.iter().map(|f| f.registry_head.as_deref()).collect();
        assert_eq!(
            heads,
            [None, Some("node:"), Some("pakyow/ci-ruby-"), None, None]
        );
    }

    #[test]
    fn nonroot_base_allowlist() {
        let v = view(
            "FROM gcr.io/distroless/static:nonroot\nCOPY a /a\n",
            None,
            &[],
        );
        assert!(!v.user.root);
        assert_eq!(v.user.source, "base-image");
        assert!(is_nonroot_base("cgr.dev/chainguard/node:latest"));
        assert!(!is_nonroot_base("node:20"));
        assert!(is_nonroot_base(
            "gcr.io/distroless/static-debian12:nonroot@sha256:0123456789abcdef"
        ));
        assert!(!is_nonroot_base("node:20@sha256:0123456789abcdef"));
    }

    #[test]
    fn configured_base_images() {
        let base = |image: &str, user: Option<&str>, accounts: &[&str]| BaseImage {
            image: image.into(),
            user: user.map(Into::into),
            accounts: accounts.iter().map(|a| a.to_string()).collect(),
            healthcheck: None,
        };
        let bases = [
            base("localhost:5000/idp/base-*", Some("mcp:mcp"), &["svc"]),
            base("localhost:5000/idp/*", None, &["tools"]),
            base("localhost:5000/idp/root-*", Some("0"), &[]),
            BaseImage {
                healthcheck: Some(" curl -fsS http://localhost:8080/health ".into()),
                ..base("localhost:5000/idp/base-python:*", None, &[])
            },
        ];
        let resolve_with = |text: &str| {
            let src = SourceFile::from_str("Dockerfile", text);
            let df = dockerfile::parse(&src);
            resolve(
                &src,
                &df,
                None,
                &BTreeMap::new(),
                &bases,
                &Placeholders::default(),
            )
            .unwrap()
        };
        // Followed through the ancestry and global ARG defaults.
        let v = resolve_with(
            "ARG REG=localhost:5000/idp\nFROM ${REG}/base-python:3.12 AS base\nFROM base\nCOPY . /app\n",
        );
        assert!(!v.user.root);
        assert_eq!(v.user.source, "base-image");
        assert_eq!(v.user.uid, "mcp");
        assert_eq!(v.base_accounts, ["mcp", "svc", "tools"]);
        // A USER written in the file still wins.
        let v = resolve_with("FROM localhost:5000/idp/base-python:3.12\nUSER root\n");
        assert!(v.user.root);
        // A configured root user, or an image no entry matches, runs as root.
        let v = resolve_with("FROM localhost:5000/idp/root-tools:1\n");
        assert!(v.user.root);
        assert_eq!(v.user.source, "default");
        assert_eq!(v.base_accounts, ["tools"], "a uid is not an account name");
        let v = resolve_with("FROM python:3.12\n");
        assert!(v.user.root);
        assert!(v.base_accounts.is_empty());
        assert!(!v.healthcheck.present);
        assert_eq!(v.healthcheck.source, "none");
        // The base image's HEALTHCHECK, unless the chain writes its own or turns it off.
        let v = resolve_with("FROM localhost:5000/idp/base-python:3.12 AS b\nFROM b\n");
        assert!(v.healthcheck.present);
        assert_eq!(v.healthcheck.source, "base-image");
        assert_eq!(
            v.healthcheck.test.as_deref(),
            Some("curl -fsS http://localhost:8080/health")
        );
        assert_eq!(v.healthcheck.loc.line, 2, "at the target stage's FROM");
        let v = resolve_with("FROM localhost:5000/idp/base-python:3.12\nHEALTHCHECK NONE\n");
        assert!(!v.healthcheck.present && v.healthcheck.none);
        let v = resolve_with("FROM localhost:5000/idp/base-node:22\n");
        assert!(!v.healthcheck.present);
    }
}
