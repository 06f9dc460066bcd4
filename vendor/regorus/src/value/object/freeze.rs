// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

//! Freeze/thaw transitions between mutable `BTree` storage and compact
//! read-mostly `Frozen` boxed-slice storage.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::{Object, Repr};
use crate::value::Value;

impl Object {
    /// Convert to the immutable boxed-slice representation.
    pub(crate) fn freeze(mut self) -> Self {
        self.freeze_in_place();
        self
    }

    /// An object of `entries` (in any order) stored frozen, sorted into place with no
    /// `BTreeMap` built on the way. When a key repeats, its last value wins, as with
    /// repeated [`Object::insert`]s. (mcp-audit patch: building input documents.)
    pub fn from_entries(mut entries: Vec<(Value, Value)>) -> Self {
        // Stable, so among equal keys the later entries stay later.
        entries.sort_by(|a, b| super::cmp_keys(&a.0, &b.0));
        // `dedup_by` passes (later, kept): move the later value into the kept entry.
        entries.dedup_by(|later, kept| {
            if later.0 == kept.0 {
                core::mem::swap(&mut later.1, &mut kept.1);
                true
            } else {
                false
            }
        });
        let boxed = entries.into_boxed_slice();
        // Release-critical invariant: sorted and deduplicated just above.
        debug_assert_sorted_dedup(&boxed);
        Self {
            repr: Repr::Frozen(boxed),
        }
    }

    /// An object of `entries` given sorted by key with no key repeated, stored frozen
    /// as they are: no sort and no pass for repeated keys. The caller guarantees the
    /// order (checked in debug builds); lookups by binary search rely on it.
    /// (mcp-audit patch: location objects, whose seven keys are fixed.)
    pub fn from_sorted_entries(entries: Vec<(Value, Value)>) -> Self {
        let boxed = entries.into_boxed_slice();
        debug_assert_sorted_dedup(&boxed);
        Self {
            repr: Repr::Frozen(boxed),
        }
    }

    /// Wrap into a `Value::Object`.
    #[inline]
    pub fn into_value(self) -> Value {
        Value::Object(crate::Rc::new(self.freeze()))
    }

    #[cfg(test)]
    #[doc(hidden)]
    pub(crate) const fn storage_variant_for_memory_diagnostics(&self) -> &'static str {
        match &self.repr {
            Repr::Empty => "Empty",
            Repr::Frozen(_) => "Frozen",
            Repr::BTree(_) => "BTree",
        }
    }

    fn freeze_in_place(&mut self) {
        match core::mem::take(&mut self.repr) {
            Repr::Empty => {
                self.repr = Repr::Frozen(Box::new([]));
            }
            Repr::Frozen(v) => {
                debug_assert_sorted_dedup(&v);
                self.repr = Repr::Frozen(v);
            }
            Repr::BTree(m) => {
                let boxed = m.into_iter().collect::<Vec<_>>().into_boxed_slice();
                // Release-critical invariant: BTreeMap iteration is sorted and deduplicated
                // before Frozen binary-search storage is constructed.
                debug_assert_sorted_dedup(&boxed);
                self.repr = Repr::Frozen(boxed);
            }
        }
    }

    pub(super) fn thawed_repr(v: Box<[(Value, Value)]>) -> Repr {
        debug_assert_sorted_dedup(&v);
        if v.is_empty() {
            Repr::Empty
        } else {
            Repr::BTree(Vec::from(v).into_iter().collect())
        }
    }

    pub(super) fn thaw(&mut self) {
        let repr = core::mem::take(&mut self.repr);
        self.repr = match repr {
            Repr::Frozen(v) => Self::thawed_repr(v),
            other => other,
        };
    }
}

#[cfg(debug_assertions)]
fn debug_assert_sorted_dedup(v: &[(Value, Value)]) {
    // This debug-only check documents a release-critical invariant: Frozen storage is
    // always sorted and deduplicated by construction, and release binary searches depend on it.
    for pair in v.windows(2) {
        debug_assert!(
            pair[0].0.cmp(&pair[1].0).is_lt(),
            "Object Frozen entries must be strictly sorted and deduplicated; \
             TODO(Number): revisit NaN ordering/equality semantics in src/number.rs:290-316"
        );
    }
}

#[cfg(not(debug_assertions))]
#[inline]
fn debug_assert_sorted_dedup(_: &[(Value, Value)]) {}
