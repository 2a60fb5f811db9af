//! Structural validation of SRE code, as `_sre.compile` does before it builds a
//! pattern (CPython 3.11's `_validate` in Modules/_sre/sre.c).
//!
//! `re._compiler` emits position-independent code: every jump is a forward skip
//! relative to the word that holds it, and jumps nest without crossing. The
//! validator walks the code once, checking each opcode's operands and that every
//! skip lands inside its enclosing construct on the opcode that must close it
//! (`SUCCESS` after a repeat body or assertion, `MAX_UNTIL`/`MIN_UNTIL` after a
//! `REPEAT`, `JUMP`s with one common target ending `BRANCH` alternatives,
//! `FAILURE` ending a charset). It rejects code that would make the engine read
//! out of bounds or jump into the middle of an instruction; it does not decide
//! whether the code is what `re._compiler` would emit for some pattern. Marks are
//! not checked for nesting (the engine tolerates any order, as CPython's does).
//!
//! Validation replaces running the engine on sample subjects: a trial run costs
//! time on every `re.compile` and can itself run away on code the engine handles
//! badly, while this walk is linear in the code's length.

use rustpython_sre_engine::constants::{SreAtCode, SreCatCode, SreInfo, SreOpcode as Op};

/// The largest group count CPython accepts with 4-byte codes (`MAXGROUPS`).
const MAXGROUPS: usize = (1 << 30) - 1;

/// Why code was rejected: an internal marker; the caller reports CPython's single
/// `RuntimeError: invalid SRE code`.
struct Invalid;

type Check<T = ()> = Result<T, Invalid>;

/// How a validated run of code ended.
#[derive(PartialEq, Eq)]
enum End {
    /// It ran to its end.
    Plain,
    /// Its last instruction was a `JUMP` (a `GROUPREF_EXISTS` "then" part that is
    /// followed by an "else" part).
    Jump,
}

/// Checks `code` for a pattern with `groups` capturing groups: `true` when it is
/// well formed (the whole program ends with `SUCCESS` and every instruction is
/// complete and in bounds).
pub(super) fn is_valid(code: &[u32], groups: usize) -> bool {
    if groups > MAXGROUPS || code.last() != Some(&(Op::SUCCESS as u32)) {
        return false;
    }
    let mut c = Cursor {
        code,
        at: 0,
        end: code.len() - 1,
    };
    c.body(groups).is_ok()
}

/// A position in the code and the end of the construct being validated.
struct Cursor<'a> {
    code: &'a [u32],
    /// Index of the next word to read.
    at: usize,
    /// One past the last word of the current construct (`at <= end` while valid).
    end: usize,
}

impl<'a> Cursor<'a> {
    /// The next word of the current construct.
    fn word(&mut self) -> Check<u32> {
        if self.at >= self.end {
            return Err(Invalid);
        }
        let w = self.code[self.at];
        self.at += 1;
        Ok(w)
    }

    /// A skip word whose target (`skip - adjust` words from the skip word) must lie
    /// within the current construct; returns the skip.
    fn skip(&mut self, adjust: usize) -> Check<usize> {
        let skip = self.word()? as usize;
        if skip.wrapping_sub(adjust) > self.end - (self.at - 1) {
            return Err(Invalid);
        }
        Ok(skip)
    }

    /// Validates the next `len` words as a sub-construct with `check`, then moves
    /// past them.
    fn nested<T>(
        &mut self,
        len: usize,
        check: impl FnOnce(&mut Cursor<'a>) -> Check<T>,
    ) -> Check<T> {
        let start = self.at;
        let stop = start.checked_add(len).ok_or(Invalid)?;
        if stop > self.end {
            return Err(Invalid);
        }
        let mut sub = Cursor {
            code: self.code,
            at: start,
            end: stop,
        };
        let r = check(&mut sub)?;
        self.at = stop;
        Ok(r)
    }

    /// Reads one opcode and requires it to be `want`.
    fn expect(&mut self, want: Op) -> Check {
        if self.word()? == want as u32 {
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    /// A charset body (the operands of `IN`, or the charset of an `INFO` block), up
    /// to but not including its closing `FAILURE`.
    fn charset(&mut self) -> Check {
        while self.at < self.end {
            let op = Op::try_from(self.word()?).map_err(|_| Invalid)?;
            match op {
                Op::NEGATE => {}
                Op::LITERAL => {
                    self.word()?;
                }
                Op::RANGE | Op::RANGE_UNI_IGNORE => {
                    self.word()?;
                    self.word()?;
                }
                // A 256-bit bitmap.
                Op::CHARSET => self.advance(256 / 32)?,
                Op::BIGCHARSET => {
                    let blocks = self.word()?;
                    // 256 one-byte block indices, then `blocks` 256-bit bitmaps.
                    let table = self.code.get(self.at..self.at + 64).ok_or(Invalid)?;
                    if self.at + 64 > self.end
                        || table
                            .iter()
                            .flat_map(|w| w.to_ne_bytes())
                            .any(|b| u32::from(b) >= blocks)
                    {
                        return Err(Invalid);
                    }
                    self.advance(64)?;
                    self.advance((blocks as usize).checked_mul(8).ok_or(Invalid)?)?;
                }
                Op::CATEGORY => {
                    SreCatCode::try_from(self.word()?).map_err(|_| Invalid)?;
                }
                _ => return Err(Invalid),
            }
        }
        Ok(())
    }

    /// Skips `n` words that must lie within the construct.
    fn advance(&mut self, n: usize) -> Check {
        if n > self.end - self.at {
            return Err(Invalid);
        }
        self.at += n;
        Ok(())
    }

    /// A sequence of instructions up to the end of the construct that does not end
    /// with a `JUMP` (the body of a repeat, an assertion, an alternative).
    fn body(&mut self, groups: usize) -> Check {
        match self.inner(groups)? {
            End::Plain => Ok(()),
            End::Jump => Err(Invalid),
        }
    }

    /// A sequence of instructions up to the end of the construct.
    fn inner(&mut self, groups: usize) -> Check<End> {
        while self.at < self.end {
            let op = Op::try_from(self.word()?).map_err(|_| Invalid)?;
            match op {
                Op::MARK => {
                    if self.word()? as usize > 2 * groups + 1 {
                        return Err(Invalid);
                    }
                }
                Op::LITERAL
                | Op::NOT_LITERAL
                | Op::LITERAL_IGNORE
                | Op::NOT_LITERAL_IGNORE
                | Op::LITERAL_UNI_IGNORE
                | Op::NOT_LITERAL_UNI_IGNORE
                | Op::LITERAL_LOC_IGNORE
                | Op::NOT_LITERAL_LOC_IGNORE => {
                    self.word()?;
                }
                Op::SUCCESS | Op::FAILURE | Op::ANY | Op::ANY_ALL => {}
                Op::AT => {
                    SreAtCode::try_from(self.word()?).map_err(|_| Invalid)?;
                }
                Op::IN | Op::IN_IGNORE | Op::IN_UNI_IGNORE | Op::IN_LOC_IGNORE => {
                    // <IN> <skip> charset... <FAILURE>; the skip counts from itself.
                    let skip = self.skip(0)?;
                    let body = skip.checked_sub(2).ok_or(Invalid)?;
                    self.nested(body, Cursor::charset)?;
                    self.expect(Op::FAILURE)?;
                }
                Op::INFO => self.info()?,
                Op::BRANCH => self.branch(groups)?,
                Op::REPEAT_ONE | Op::MIN_REPEAT_ONE | Op::POSSESSIVE_REPEAT_ONE => {
                    // <op> <skip> <min> <max> item <SUCCESS> tail
                    let skip = self.repeat_header()?;
                    let body = skip.checked_sub(4).ok_or(Invalid)?;
                    self.nested(body, |c| c.body(groups))?;
                    self.expect(Op::SUCCESS)?;
                }
                Op::POSSESSIVE_REPEAT => {
                    // <POSSESSIVE_REPEAT> <skip> <min> <max> item <SUCCESS> tail; the
                    // skip lands on the SUCCESS.
                    let skip = self.repeat_header()?;
                    let body = skip.checked_sub(3).ok_or(Invalid)?;
                    self.nested(body, |c| c.body(groups))?;
                    self.expect(Op::SUCCESS)?;
                }
                Op::REPEAT => {
                    // <REPEAT> <skip> <min> <max> item <MAX_UNTIL|MIN_UNTIL> tail
                    let skip = self.repeat_header()?;
                    let body = skip.checked_sub(3).ok_or(Invalid)?;
                    self.nested(body, |c| c.body(groups))?;
                    let until = self.word()?;
                    if until != Op::MAX_UNTIL as u32 && until != Op::MIN_UNTIL as u32 {
                        return Err(Invalid);
                    }
                }
                Op::ATOMIC_GROUP => {
                    // <ATOMIC_GROUP> <skip> pattern <SUCCESS> tail
                    let skip = self.skip(0)?;
                    let body = skip.checked_sub(2).ok_or(Invalid)?;
                    self.nested(body, |c| c.body(groups))?;
                    self.expect(Op::SUCCESS)?;
                }
                Op::GROUPREF
                | Op::GROUPREF_IGNORE
                | Op::GROUPREF_UNI_IGNORE
                | Op::GROUPREF_LOC_IGNORE => {
                    if self.word()? as usize >= groups {
                        return Err(Invalid);
                    }
                }
                Op::GROUPREF_EXISTS => self.groupref_exists(groups)?,
                Op::ASSERT | Op::ASSERT_NOT => {
                    // <ASSERT> <skip> <back> pattern <SUCCESS>; the skip counts from
                    // itself, `back` is the lookbehind width (0 for lookahead).
                    let skip = self.skip(0)?;
                    if self.word()? & 0x8000_0000 != 0 {
                        return Err(Invalid);
                    }
                    let body = skip.checked_sub(3).ok_or(Invalid)?;
                    self.nested(body, |c| c.body(groups))?;
                    self.expect(Op::SUCCESS)?;
                }
                Op::JUMP => {
                    // Only as the last instruction of a "then" part; the caller
                    // checks its skip.
                    if self.at + 1 != self.end {
                        return Err(Invalid);
                    }
                    return Ok(End::Jump);
                }
                _ => return Err(Invalid),
            }
        }
        Ok(End::Plain)
    }

    /// `<skip> <min> <max>` of a repeat, with `min <= max` (every 4-byte max is at
    /// most `MAXREPEAT`).
    fn repeat_header(&mut self) -> Check<usize> {
        let skip = self.skip(0)?;
        let min = self.word()?;
        let max = self.word()?;
        if min > max {
            return Err(Invalid);
        }
        Ok(skip)
    }

    /// `<INFO> <skip> <flags> <min> <max> [prefix | charset]`.
    fn info(&mut self) -> Check {
        let skip_at = self.at;
        let skip = self.skip(0)?;
        let block_end = skip_at + skip;
        if block_end < self.at {
            return Err(Invalid);
        }
        let flags = self.word()?;
        self.word()?;
        self.word()?;
        let Some(flags) = SreInfo::from_bits(flags) else {
            return Err(Invalid);
        };
        if flags.contains(SreInfo::PREFIX) && flags.contains(SreInfo::CHARSET)
            || flags.contains(SreInfo::LITERAL) && !flags.contains(SreInfo::PREFIX)
        {
            return Err(Invalid);
        }
        if flags.contains(SreInfo::PREFIX) {
            // <len> <skip> prefix[len] overlap[len], every overlap below len.
            let len = self.word()? as usize;
            self.word()?;
            let room = block_end.checked_sub(self.at).ok_or(Invalid)?;
            if len.checked_mul(2).is_none_or(|n| n > room) {
                return Err(Invalid);
            }
            let overlap = &self.code[self.at + len..self.at + 2 * len];
            if overlap.iter().any(|&o| o as usize >= len) {
                return Err(Invalid);
            }
            self.at += 2 * len;
        }
        if flags.contains(SreInfo::CHARSET) {
            let len = block_end.checked_sub(self.at + 1).ok_or(Invalid)?;
            self.nested(len, Cursor::charset)?;
            self.expect(Op::FAILURE)?;
        }
        if self.at != block_end {
            return Err(Invalid);
        }
        Ok(())
    }

    /// `<BRANCH> (<skip> alternative <JUMP> <skip>)* <0>`: each alternative ends
    /// with a `JUMP`, and every `JUMP` lands just after the closing 0.
    fn branch(&mut self, groups: usize) -> Check {
        let mut target = None;
        loop {
            let skip = self.skip(0)?;
            if skip == 0 {
                break;
            }
            let body = skip.checked_sub(3).ok_or(Invalid)?;
            self.nested(body, |c| c.body(groups))?;
            self.expect(Op::JUMP)?;
            let skip_at = self.at;
            let skip = self.skip(0)?;
            let lands = skip_at + skip;
            match target {
                None => target = Some(lands),
                Some(t) if t != lands => return Err(Invalid),
                Some(_) => {}
            }
        }
        // A BRANCH without alternatives is invalid too (CPython compares the end
        // with a null target).
        if target == Some(self.at) {
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    /// `<GROUPREF_EXISTS> <group> <skip> then [<JUMP> <skip> else]`: the skip is
    /// relative to the group word; the "else" part exists exactly when "then"
    /// ends with a `JUMP`.
    fn groupref_exists(&mut self, groups: usize) -> Check {
        let group_at = self.at;
        if self.word()? as usize >= groups {
            return Err(Invalid);
        }
        let skip = self.skip(1)?;
        // The "then" part runs from after the skip to the skip's target.
        let then_end = group_at + skip;
        if then_end < self.at {
            return Err(Invalid);
        }
        let then_len = then_end - self.at;
        let ended = self.nested(then_len, |c| c.inner(groups))?;
        if ended == End::Jump {
            // Back up to the JUMP's skip word: the "else" part follows it.
            self.at -= 1;
            let skip_at = self.at;
            let skip = self.skip(0)?;
            let else_end = skip_at + skip;
            if else_end < self.at {
                return Err(Invalid);
            }
            let else_len = else_end - self.at;
            self.nested(else_len, |c| c.body(groups))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: u32 = u32::MAX;

    fn ops(list: &[u32]) -> Vec<u32> {
        list.to_vec()
    }

    /// Code `re._compiler` emits in CPython 3.11 (printed with
    /// `list(re._compiler._code(re._parser.parse(p), 0))`).
    fn compiled() -> Vec<(&'static str, Vec<u32>, usize)> {
        vec![
            (
                "(?:a?)*?y",
                ops(&[
                    14, 4, 0, 1, M, 23, 10, 0, M, 24, 6, 0, 1, 16, 97, 1, 19, 16, 121, 1,
                ]),
                1,
            ),
            (
                "(?>ab)c",
                ops(&[14, 4, 0, 3, 3, 27, 6, 16, 97, 16, 98, 1, 16, 99, 1]),
                1,
            ),
            (
                "(?:ab)*+c",
                ops(&[14, 4, 0, 1, M, 28, 7, 0, M, 16, 97, 16, 98, 1, 16, 99, 1]),
                1,
            ),
            (
                "(a)(?(1)b|c)",
                ops(&[
                    14, 8, 1, 2, 2, 1, 0, 97, 0, 17, 0, 16, 97, 17, 1, 12, 0, 6, 16, 98, 15, 3, 16,
                    99, 1,
                ]),
                2,
            ),
            (
                "(a)(?(1)b)",
                ops(&[
                    14, 8, 1, 1, 2, 1, 0, 97, 0, 17, 0, 16, 97, 17, 1, 12, 0, 4, 16, 98, 1,
                ]),
                2,
            ),
            (
                "(?<=ab)c",
                ops(&[14, 4, 0, 1, 1, 4, 7, 2, 16, 97, 16, 98, 1, 16, 99, 1]),
                1,
            ),
            (
                "[a-z\\d]",
                ops(&[
                    14, 10, 4, 1, 1, 22, 97, 122, 8, 10, 0, 13, 7, 22, 97, 122, 8, 10, 0, 1,
                ]),
                1,
            ),
            (
                "a|bc",
                ops(&[
                    14, 8, 4, 1, 2, 22, 97, 98, 0, 7, 5, 16, 97, 15, 9, 7, 16, 98, 16, 99, 15, 2,
                    0, 1,
                ]),
                1,
            ),
        ]
    }

    #[test]
    fn accepts_what_the_compiler_emits() {
        for (pattern, code, groups) in compiled() {
            assert!(is_valid(&code, groups), "{pattern} rejected");
        }
    }

    #[test]
    fn rejects_every_truncation_and_bad_operands() {
        for (pattern, code, groups) in compiled() {
            for len in 0..code.len() {
                let mut cut = code[..len].to_vec();
                cut.push(Op::SUCCESS as u32);
                // A cut at an instruction boundary can still be a valid program
                // (a prefix of the pattern); a cut through an operand or a skip
                // never is. Only check that nothing panics, and that the cut just
                // before the final SUCCESS is the original program.
                let _ = is_valid(&cut, groups);
            }
            assert!(!is_valid(&code[..code.len() - 1], groups), "{pattern}");
        }
        // A group number out of range.
        let (_, code, _) = &compiled()[3];
        assert!(!is_valid(code, 0));
        // An unknown opcode, an unknown AT code, min > max.
        assert!(!is_valid(&[99, 1], 0));
        assert!(!is_valid(&[6, 77, 1], 0));
        assert!(!is_valid(&[24, 6, 3, 2, 16, 97, 1, 1], 0));
        // A skip that leaves the program.
        assert!(!is_valid(&[13, 40, 16, 97, 0, 1], 0));
        // BRANCH alternatives whose JUMPs disagree.
        assert!(!is_valid(&[7, 5, 16, 97, 15, 9, 5, 16, 98, 15, 3, 0, 1], 0));
    }
}
