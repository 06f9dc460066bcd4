//! Files of a build context that `COPY`/`ADD` bring into the image and that a rule must
//! see: an `.npmrc` that holds a registry credential (MCP-SE-005).
//!
//! A `COPY .npmrc …` (any `*.npmrc` named as a source) or a `COPY . …` of the context
//! root that `.dockerignore` does not keep `.npmrc` out of copies the file; its
//! `_authToken`, `_auth` or `_password` with a literal value (not `${NPM_TOKEN}`, which
//! npm expands at run time, and not a placeholder) is then in the image.

use super::stage::{DockerfileView, InstView};
use crate::secrets::Placeholders;
use crate::source::{normalize, Loc, SourceFile, Span};
use serde::Serialize;
use std::path::Path;

/// A credential of a build-context file that an instruction copies into the image.
#[derive(Clone, Debug, Serialize)]
pub struct CopiedSecret {
    /// The `COPY`/`ADD` (index into the view's `instructions`).
    pub inst: usize,
    /// The source operand that brings the file (`.npmrc`, `.`).
    pub source: String,
    /// The file, as the scan shows paths.
    pub file: String,
    /// `_authToken`, `_auth` or `_password`.
    pub key: String,
    /// The key in the file (the value is not part of it: it is the secret).
    pub loc: Loc,
}

/// A build context: its directory, that directory as the scan shows it, and how a
/// file in it is read (bounded and fenced; an error when it cannot be).
pub struct Context<'a> {
    pub dir: &'a Path,
    pub display: &'a str,
    pub read: &'a dyn Fn(&Path) -> Result<Vec<u8>, String>,
}

/// The credentials that the view's `COPY`/`ADD` instructions copy from `context`.
pub fn copied_secrets(
    view: &DockerfileView,
    context: &Context,
    placeholders: &Placeholders,
) -> Vec<CopiedSecret> {
    let mut out = Vec::new();
    let mut dockerignore: Option<Option<ignore::gitignore::Gitignore>> = None;
    for (idx, inst) in view.instructions.iter().enumerate() {
        if !matches!(inst.keyword.as_str(), "COPY" | "ADD")
            || !inst.heredocs.is_empty()
            || inst.flags.iter().any(|f| f.name == "from")
        {
            continue;
        }
        for source in sources(inst) {
            let rel = source.trim_start_matches("./");
            let file = if rel.is_empty() || rel == "." {
                ".npmrc".to_string()
            } else if rel.ends_with(".npmrc") && !rel.contains(['*', '?', '[', '$']) {
                rel.to_string()
            } else {
                continue;
            };
            let path = normalize(&context.dir.join(&file));
            let Ok(bytes) = (context.read)(&path) else {
                continue;
            };
            let ignored = dockerignore
                .get_or_insert_with(|| read_dockerignore(context))
                .as_ref()
                .is_some_and(|g| g.matched_path_or_any_parents(&file, false).is_ignore());
            if ignored {
                continue;
            }
            let display = display_join(context.display, &file);
            let src = SourceFile::from_bytes(&path, display.clone(), &bytes);
            for (key, span) in npmrc_credentials(&src.text, placeholders) {
                out.push(CopiedSecret {
                    inst: idx,
                    source: source.to_string(),
                    file: display.clone(),
                    key,
                    loc: src.loc(span),
                });
            }
        }
    }
    out
}

/// The source operands of a `COPY`/`ADD` (the last operand is the destination).
fn sources(inst: &InstView) -> Vec<&str> {
    let ops: Vec<&str> = if inst.form == "exec" {
        inst.words.iter().map(String::as_str).collect()
    } else {
        inst.text.split_whitespace().collect()
    };
    ops.split_last()
        .map(|(_, s)| s.to_vec())
        .unwrap_or_default()
}

/// The context's `.dockerignore`, read as gitignore patterns from the context root.
fn read_dockerignore(context: &Context) -> Option<ignore::gitignore::Gitignore> {
    let bytes = (context.read)(&context.dir.join(".dockerignore")).ok()?;
    let mut b = ignore::gitignore::GitignoreBuilder::new(context.dir);
    for line in String::from_utf8_lossy(&bytes).lines() {
        // Docker reads `/x` and `x` alike (both from the context root).
        let _ = b.add_line(None, line.trim());
    }
    b.build().ok()
}

fn display_join(dir: &str, file: &str) -> String {
    let joined = normalize(&Path::new(dir).join(file));
    joined.to_string_lossy().replace('\\', "/")
}

/// Each `_authToken` / `_auth` / `_password` of an `.npmrc` with a literal value: the
/// key's name and the span of the key as written.
fn npmrc_credentials(text: &str, placeholders: &Placeholders) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        if trimmed.starts_with(['#', ';']) {
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            continue;
        };
        let key = key.trim_end();
        let name = key.rsplit(':').next().unwrap_or(key);
        if !matches!(name, "_authToken" | "_auth" | "_password") {
            continue;
        }
        let value = value.trim().trim_matches(['"', '\'']);
        let placeholder = crate::secrets::classify_with("npm_token", value, placeholders)
            .is_some_and(|i| i.placeholder || i.kind == "reference");
        if value.is_empty() || value.contains("${") || placeholder {
            continue;
        }
        let at = start + (line.len() - trimmed.len());
        out.push((name.to_string(), Span::new(at, at + key.len())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn view(dockerfile: &str) -> DockerfileView {
        let src = SourceFile::from_str("app/Dockerfile", dockerfile);
        let df = crate::parse::dockerfile::parse(&src);
        super::super::stage::resolve(
            &src,
            &df,
            None,
            &BTreeMap::new(),
            &[],
            &Placeholders::default(),
        )
        .unwrap()
    }

    fn run(dockerfile: &str, files: &[(&str, &str)]) -> Vec<(usize, String, String, usize)> {
        let files: BTreeMap<String, String> = files
            .iter()
            .map(|(p, t)| (format!("/ctx/{p}"), t.to_string()))
            .collect();
        let read = |p: &Path| -> Result<Vec<u8>, String> {
            let p = p.to_string_lossy().to_string();
            files
                .get(&p)
                .map(|t| t.as_bytes().to_vec())
                .ok_or("does not exist".into())
        };
        let ctx = Context {
            dir: Path::new("/ctx"),
            display: "app",
            read: &read,
        };
        copied_secrets(&view(dockerfile), &ctx, &Placeholders::default())
            .into_iter()
            .map(|c| {
                (
                    c.inst,
                    c.source,
                    format!("{} {}", c.file, c.key),
                    c.loc.line,
                )
            })
            .collect()
    }

    const NPMRC: &str = "registry=https://npm.example.com/\n//npm.example.com/:_authToken=npm_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb\n";

    #[test]
    fn an_npmrc_with_a_token_copied_by_name_or_with_the_context_root() {
        let got = run(
            "FROM node:20\nCOPY .npmrc package.json ./\nCOPY [\"./\", \"/app\"]\nCOPY --from=build /x/.npmrc /y\n",
            &[(".npmrc", NPMRC)],
        );
        assert_eq!(
            got,
            [
                (
                    1,
                    ".npmrc".to_string(),
                    "app/.npmrc _authToken".to_string(),
                    2
                ),
                (2, "./".to_string(), "app/.npmrc _authToken".to_string(), 2),
            ]
        );
    }

    #[test]
    fn templates_placeholders_dockerignore_and_other_files_pass() {
        let templated = "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n# _authToken=abc\n_auth=\n";
        assert!(run("FROM node:20\nCOPY .npmrc ./\n", &[(".npmrc", templated)]).is_empty());
        let placeholder = "//registry.npmjs.org/:_authToken=your_token_here\n";
        assert!(run("FROM node:20\nCOPY .npmrc ./\n", &[(".npmrc", placeholder)]).is_empty());
        let ignored = [
            (".npmrc", NPMRC),
            (".dockerignore", "node_modules\n.npmrc\n"),
        ];
        assert!(run("FROM node:20\nCOPY . .\n", &ignored).is_empty());
        assert!(run("FROM node:20\nCOPY src/ ./\n", &[(".npmrc", NPMRC)]).is_empty());
        assert!(
            run("FROM node:20\nCOPY .npmrc ./\n", &[]).is_empty(),
            "no such file"
        );
        let re_included = [(".npmrc", NPMRC), (".dockerignore", ".*\n!.npmrc\n")];
        assert_eq!(run("FROM node:20\nCOPY . .\n", &re_included).len(), 1);
    }
}
