//! Argument parsing for native functions and methods, with CPython's error messages.
//!
//! Native callables receive the vectorcall layout: `args` holds the positional
//! arguments followed by the values of the keyword arguments, and `kwnames` (a tuple
//! of strs, or absent) names the keyword values. For methods `args[0]` is `self`.

use crate::exceptions::type_error;
use crate::object::PyObj;
use crate::PyResult;

/// A view of one call's arguments.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    all: &'a [PyObj],
    kwnames: &'a [PyObj],
    nargs: usize,
}

impl<'a> Args<'a> {
    /// Wraps a vectorcall argument array.
    #[inline]
    pub fn new(args: &'a [PyObj], kwnames: Option<&'a PyObj>) -> Args<'a> {
        let kwnames: &'a [PyObj] = match kwnames {
            Some(t) => crate::tuple::items(t),
            None => &[],
        };
        Args {
            all: args,
            kwnames,
            nargs: args.len() - kwnames.len(),
        }
    }

    /// Number of positional arguments.
    #[inline]
    pub fn nargs(&self) -> usize {
        self.nargs
    }

    /// The positional arguments.
    #[inline]
    pub fn positionals(&self) -> &'a [PyObj] {
        &self.all[..self.nargs]
    }

    /// The `i`-th positional argument.
    #[inline]
    pub fn positional(&self, i: usize) -> Option<&'a PyObj> {
        self.positionals().get(i)
    }

    /// `true` if there are keyword arguments.
    #[inline]
    pub fn has_kwargs(&self) -> bool {
        !self.kwnames.is_empty()
    }

    /// The keyword arguments as `(name, value)` pairs.
    pub fn kwargs(&self) -> impl Iterator<Item = (&'a str, &'a PyObj)> + 'a {
        let values = &self.all[self.nargs..];
        self.kwnames
            .iter()
            .map(crate::str::as_str)
            .zip(values.iter())
    }

    /// The keyword names (str objects).
    pub fn kwnames(&self) -> &'a [PyObj] {
        self.kwnames
    }

    /// The keyword argument `name`.
    pub fn kw(&self, name: &str) -> Option<&'a PyObj> {
        self.kwargs().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The `i`-th positional argument, or `TypeError: f() missing required argument`.
    pub fn required(&self, i: usize, fname: &str) -> PyResult<&'a PyObj> {
        self.positional(i).ok_or_else(|| {
            type_error(format!(
                "{fname}() takes at least {} argument{} ({} given)",
                i + 1,
                if i == 0 { "" } else { "s" },
                self.nargs
            ))
        })
    }

    /// Fails with `f() takes no keyword arguments` if there are any.
    pub fn no_kwargs(&self, fname: &str) -> PyResult<()> {
        if self.has_kwargs() {
            return Err(type_error(format!("{fname}() takes no keyword arguments")));
        }
        Ok(())
    }

    /// At most `n` positional arguments (`f expected at most n arguments, got m`).
    pub fn max_positional(&self, fname: &str, n: usize) -> PyResult<()> {
        if self.nargs > n {
            return Err(type_error(format!(
                "{fname} expected at most {n} argument{}, got {}",
                if n == 1 { "" } else { "s" },
                self.nargs
            )));
        }
        Ok(())
    }

    /// Exactly `n` positional arguments (counting `self` for methods), no keywords:
    /// the `METH_O`/`METH_NOARGS` messages of CPython.
    pub fn exact(&self, fname: &str, n: usize) -> PyResult<()> {
        self.no_kwargs(fname)?;
        if self.nargs != n {
            // Methods count self; CPython reports the count without it.
            let want = n.saturating_sub(1);
            let given = self.nargs.saturating_sub(1);
            return Err(type_error(match want {
                0 => format!("{fname}() takes no arguments ({given} given)"),
                1 => format!("{fname}() takes exactly one argument ({given} given)"),
                _ => format!("{fname}() takes exactly {want} arguments ({given} given)"),
            }));
        }
        Ok(())
    }

    /// Between `min` and `max` positional arguments of a function (no `self`), no
    /// keywords: CPython's `_PyArg_CheckPositional` messages
    /// (`isinstance expected 2 arguments, got 1`).
    pub fn check_positional(&self, fname: &str, min: usize, max: usize) -> PyResult<()> {
        self.no_kwargs(fname)?;
        let given = self.nargs;
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if given < min || given > max {
            let (bound, n) = match (min == max, given < min) {
                (true, _) => ("", min),
                (false, true) => ("at least ", min),
                (false, false) => ("at most ", max),
            };
            return Err(type_error(format!(
                "{fname} expected {bound}{n} argument{}, got {given}",
                plural(n)
            )));
        }
        Ok(())
    }

    /// Between `min` and `max` positional arguments counting `self`, no keywords.
    pub fn range(&self, fname: &str, min: usize, max: usize) -> PyResult<()> {
        self.no_kwargs(fname)?;
        let given = self.nargs.saturating_sub(1);
        if self.nargs < min {
            return Err(type_error(format!(
                "{fname}() takes at least {} argument{} ({given} given)",
                min - 1,
                if min == 2 { "" } else { "s" }
            )));
        }
        if self.nargs > max {
            return Err(type_error(format!(
                "{fname}() takes at most {} argument{} ({given} given)",
                max - 1,
                if max == 2 { "" } else { "s" }
            )));
        }
        Ok(())
    }

    /// Between `min` and `max` positional arguments counting `self`, no keywords, with
    /// Argument Clinic's wording (`get expected at least 1 argument, got 0`), which is
    /// what CPython reports for the methods it declares with `_PyArg_CheckPositional`.
    /// `qualname` is `type.method` (keywords are refused with it; the count message
    /// names the bare method).
    pub fn expect(&self, qualname: &str, min: usize, max: usize) -> PyResult<()> {
        self.no_kwargs(qualname)?;
        let fname = qualname.rsplit('.').next().unwrap_or(qualname);
        check_positional(
            fname,
            self.nargs.saturating_sub(1),
            min.saturating_sub(1),
            max.saturating_sub(1),
        )
    }

    /// [`Args::expect`] for functions (no `self`): between `min` and `max` positional
    /// arguments, no keywords.
    pub fn expect_fn(&self, fname: &str, min: usize, max: usize) -> PyResult<()> {
        self.no_kwargs(fname)?;
        check_positional(fname, self.nargs, min, max)
    }

    /// Binds arguments to named parameters: `names[i]` may be passed positionally (at
    /// position `i + skip`, where `skip` is 1 for methods' `self`) or by keyword; the
    /// first `required` names are mandatory. Returns one slot per name.
    pub fn bind(
        &self,
        fname: &str,
        skip: usize,
        names: &[&str],
        required: usize,
    ) -> PyResult<Vec<Option<&'a PyObj>>> {
        let mut out: Vec<Option<&'a PyObj>> = vec![None; names.len()];
        let pos = &self.positionals()[skip.min(self.nargs)..];
        if pos.len() > names.len() {
            return Err(type_error(format!(
                "{fname}() takes at most {} argument{} ({} given)",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                pos.len()
            )));
        }
        for (slot, v) in out.iter_mut().zip(pos) {
            *slot = Some(v);
        }
        for (k, v) in self.kwargs() {
            match names.iter().position(|n| *n == k) {
                Some(i) => {
                    if out[i].is_some() {
                        return Err(type_error(format!(
                            "argument for {fname}() given by name ('{k}') and position ({})",
                            i + 1
                        )));
                    }
                    out[i] = Some(v);
                }
                None => {
                    return Err(type_error(format!(
                        "'{k}' is an invalid keyword argument for {fname}()"
                    )))
                }
            }
        }
        for (i, name) in names.iter().enumerate().take(required) {
            if out[i].is_none() {
                return Err(type_error(format!(
                    "{fname}() missing required argument '{name}' (pos {})",
                    i + 1
                )));
            }
        }
        Ok(out)
    }
}

/// CPython's `_PyArg_CheckPositional` message for `given` positional arguments where
/// `lo..=hi` are accepted.
pub(crate) fn check_positional(fname: &str, given: usize, lo: usize, hi: usize) -> PyResult<()> {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if given < lo {
        let at_least = if lo == hi { "" } else { "at least " };
        return Err(type_error(format!(
            "{fname} expected {at_least}{lo} argument{}, got {given}",
            plural(lo)
        )));
    }
    if given > hi {
        let at_most = if lo == hi { "" } else { "at most " };
        return Err(type_error(format!(
            "{fname} expected {at_most}{hi} argument{}, got {given}",
            plural(hi)
        )));
    }
    Ok(())
}
