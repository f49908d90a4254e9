//! Running numbers that must never collide: case numbers and the outgoing letter register
//! (ทะเบียนหนังสือส่ง). Each PC holds its own block of numbers per series (set by the office
//! administrator, or handed out by the central server when it enrols the PC), so two PCs of
//! one office can never issue the same number, even when both are offline for weeks.
//! Numbering restarts at the block's first number every Buddhist-Era year; a number, once
//! issued, is never issued again (the sequence only moves forward, inside the transaction
//! that uses it).

use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::AuditAction;
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::model::Role;
use crate::session::Session;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Series {
    Case,
    Letter,
}

impl Series {
    pub fn as_str(self) -> &'static str {
        match self {
            Series::Case => "case",
            Series::Letter => "letter",
        }
    }
}

/// This PC's block of numbers for a series.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NumberBlock {
    pub series: Series,
    pub first_no: u32,
    pub last_no: u32,
    /// Numbers this PC has issued from the block this year (read-only).
    #[serde(default)]
    pub used_this_year: u32,
}

/// Takes the next number of `series` for `be_year`, inside the caller's transaction.
pub(crate) fn next_number(tx: &Transaction, series: Series, be_year: i32) -> Result<u32> {
    let (first, last): (u32, u32) = tx.query_row(
        "SELECT first_no, last_no FROM number_blocks WHERE series = ?1",
        [series.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let n: u32 = tx.query_row(
        "INSERT INTO number_seq (series, be_year, block_first, last_no) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (series, be_year, block_first) DO UPDATE SET last_no = last_no + 1
         RETURNING last_no",
        params![series.as_str(), be_year, first],
        |r| r.get(0),
    )?;
    if n > last {
        return Err(CoreError::NumbersExhausted(series.as_str()));
    }
    Ok(n)
}

impl Session {
    pub fn number_blocks(&self) -> Result<Vec<NumberBlock>> {
        let year = crate::thai_date::be_year(self.today());
        let mut out = Vec::new();
        for series in [Series::Case, Series::Letter] {
            let (first, last): (u32, u32) = self.conn().query_row(
                "SELECT first_no, last_no FROM number_blocks WHERE series = ?1",
                [series.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let used: Option<u32> = self
                .conn()
                .query_row(
                    "SELECT last_no - block_first + 1 FROM number_seq
                     WHERE series = ?1 AND be_year = ?2 AND block_first = ?3",
                    params![series.as_str(), year, first],
                    |r| r.get(0),
                )
                .optional()?;
            out.push(NumberBlock {
                series,
                first_no: first,
                last_no: last,
                used_this_year: used.unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// Gives this PC a new block (administrators). Refused if it overlaps numbers this PC
    /// already issued this year from another block, or would end before the numbers
    /// already issued from the same block.
    pub fn set_number_block(&mut self, b: &NumberBlock) -> Result<()> {
        self.require(&[Role::Admin])?;
        let mut errs = FieldErrors::default();
        if b.first_no == 0 || b.first_no > 9_999_999 {
            errs.push("first_no", FieldProblem::OutOfRange);
        }
        if b.last_no < b.first_no || b.last_no > 9_999_999 {
            errs.push("last_no", FieldProblem::OutOfRange);
        }
        errs.into_result()?;
        let year = crate::thai_date::be_year(self.today());
        let used: Vec<(u32, u32)> = self
            .conn()
            .prepare(
                "SELECT block_first, last_no FROM number_seq WHERE series = ?1 AND be_year = ?2",
            )?
            .query_map(params![b.series.as_str(), year], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (f, l) in used {
            if f == b.first_no {
                if b.last_no < l {
                    return Err(CoreError::field("last_no", FieldProblem::OutOfRange));
                }
            } else if b.first_no <= l && f <= b.last_no {
                return Err(CoreError::field("first_no", FieldProblem::BlockOverlaps));
            }
        }
        let now = self.now();
        let uid = self.user().id.to_string();
        let mut w = self.begin()?;
        w.execute(
            "UPDATE number_blocks SET first_no = ?2, last_no = ?3, set_at = ?4, set_by = ?5
             WHERE series = ?1",
            params![b.series.as_str(), b.first_no, b.last_no, now, uid],
        )?;
        w.audit(
            AuditAction::Update,
            "number_block",
            Some(b.series.as_str()),
            &format!("{}-{}", b.first_no, b.last_no),
        )?;
        w.commit()?;
        Ok(())
    }
}
