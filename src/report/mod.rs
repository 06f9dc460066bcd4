//! Output formats. Each renders a finished [`ScanResult`](crate::ScanResult); the large
//! ones (JSON, SARIF, text, JUnit, GitHub) are written to their target as they are rendered.

pub mod cyclonedx;
pub mod fingerprint;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod paths;
pub mod sarif;
pub mod spdx;
pub mod text;

/// Items per chunk of a streamed report: enough to keep both threads busy, few enough
/// to bound memory.
pub(crate) const CHUNK: usize = 1024;

/// Write a report's items in order as they are rendered, `CHUNK` at a time: `render`
/// turns one chunk into its text (in parallel within the chunk, on the scan's pool),
/// and `write` writes that text. While this thread writes one chunk, the pool renders
/// the next, so only two chunks' text exist at once, whatever the number of items.
pub(crate) fn write_chunked<T: Sync, R: Send>(
    items: &[T],
    render: impl Fn(&[T]) -> R + Sync,
    mut write: impl FnMut(R) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut chunks = items.chunks(CHUNK);
    let mut next: Option<R> = chunks.next().map(|c| crate::pool().install(|| render(c)));
    while let Some(current) = next.take() {
        let following = chunks.next();
        let render = &render;
        crate::pool().in_place_scope(|scope| {
            if let Some(c) = following {
                let slot = &mut next;
                scope.spawn(move |_| *slot = Some(render(c)));
            }
            write(current)
        })?;
    }
    Ok(())
}

/// What a report's `write` writes, as a string (for tests and small reports).
pub(crate) fn to_string(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> String {
    let mut out = Vec::new();
    match write(&mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn chunks_are_written_in_order_each_rendered_once() {
        let items: Vec<usize> = (0..2 * CHUNK + 7).collect();
        let renders = AtomicUsize::new(0);
        let mut written = Vec::new();
        let mut sizes = Vec::new();
        write_chunked(
            &items,
            |c: &[usize]| {
                renders.fetch_add(1, Ordering::Relaxed);
                c.iter().map(|i| i * 10).collect::<Vec<_>>()
            },
            |r| {
                sizes.push(r.len());
                written.extend(r);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(written, items.iter().map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(sizes, [CHUNK, CHUNK, 7]);
        assert_eq!(renders.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn a_write_error_stops_the_report() {
        let items: Vec<usize> = (0..3 * CHUNK).collect();
        let mut writes = 0;
        let e = write_chunked(
            &items,
            |c: &[usize]| c.len(),
            |_| {
                writes += 1;
                Err(std::io::Error::other("disk full"))
            },
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "disk full");
        assert_eq!(writes, 1);
        let empty: [usize; 0] = [];
        write_chunked(&empty, |_| unreachable!(), |_: ()| unreachable!()).unwrap();
    }
}
