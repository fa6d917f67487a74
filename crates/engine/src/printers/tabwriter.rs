//! Go's `text/tabwriter`, the part kubectl uses: elastic tabstops with space padding.
//!
//! kubectl aligns every table and description through a tabwriter, so reproducing its column
//! arithmetic is what makes our text byte-identical:
//! * `kubectl get` (cli-runtime `printers.GetNewTabWriter`): minwidth 6, padding 3, pad char ' ';
//! * `kubectl describe` (`tabbedString`): minwidth 0, padding 2, pad char ' '.
//!
//! Rules reproduced (Go `tabwriter.Writer.format`): text is split into lines and lines into
//! cells at `\t`; only tab-terminated cells take part in alignment (the last cell of a line is
//! never padded). A *column block* is a run of consecutive lines that all have a tab-terminated
//! cell in that column; its width is `max(minwidth, widest cell + padding)`. A line with fewer
//! cells ends the block, so alignment restarts below it. An empty tab-terminated cell is still
//! padded to the column width (which is why `kubectl describe` leaves trailing blanks after an
//! empty value).

/// Lay out `text` as Go's tabwriter would with `minwidth`, `padding` and pad character ' '.
/// Width is counted in Unicode scalar values, as Go counts runes.
pub fn tabwrite(text: &str, minwidth: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut widths: Vec<usize> = Vec::new();
    let layout = Layout {
        lines: &lines,
        minwidth,
        padding,
    };
    layout.format(&mut out, &mut widths, 0, lines.len());
    out
}

struct Layout<'a> {
    lines: &'a [Vec<&'a str>],
    minwidth: usize,
    padding: usize,
}

fn width(cell: &str) -> usize {
    cell.chars().count()
}

impl Layout<'_> {
    /// Number of tab-terminated cells of line `i`.
    fn terminated(&self, i: usize) -> usize {
        self.lines.get(i).map_or(0, |l| l.len().saturating_sub(1))
    }

    fn format(&self, out: &mut String, widths: &mut Vec<usize>, mut line0: usize, line1: usize) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column >= self.terminated(this) {
                this += 1;
                continue;
            }
            // A cell exists in this column: a column block starts here.
            self.write_lines(out, widths, line0, this);
            line0 = this;
            let mut w = self.minwidth;
            while this < line1 && column < self.terminated(this) {
                let cell = self
                    .lines
                    .get(this)
                    .and_then(|l| l.get(column))
                    .copied()
                    .unwrap_or("");
                w = w.max(width(cell) + self.padding);
                this += 1;
            }
            widths.push(w);
            self.format(out, widths, line0, this);
            widths.pop();
            line0 = this;
        }
        self.write_lines(out, widths, line0, line1);
    }

    fn write_lines(&self, out: &mut String, widths: &[usize], line0: usize, line1: usize) {
        for i in line0..line1 {
            let Some(line) = self.lines.get(i) else {
                continue;
            };
            for (j, cell) in line.iter().enumerate() {
                out.push_str(cell);
                // Lines inside a block of `widths.len()` columns have exactly that many
                // tab-terminated cells, so the last cell never gets a width here.
                if let Some(&w) = widths.get(j) {
                    for _ in width(cell)..w {
                        out.push(' ');
                    }
                }
            }
            if i + 1 < self.lines.len() {
                out.push('\n');
            }
        }
    }
}

/// `kubectl get`'s table: cells joined by tabs, laid out with minwidth 6 and padding 3.
/// Every line ends with a newline; the last column is never padded.
pub fn kubectl_table(rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| escape_cell(c)).collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    tabwrite(&text, 6, 3)
}

/// Longest cell a table prints whole. kubectl prints a cell whatever its length; svcsim cuts
/// one past 4 KiB (no real name, address or image comes near) with a marker, so a hostile
/// value cannot make a table megabytes wide.
pub const MAX_CELL: usize = 4 * crate::quote::MAX_QUOTED;

/// A cell as kubectl's table printer writes it (cli-runtime `tableprinter.go`,
/// `printTable`/`appendCellValue`): cut at the first line break (`\n`, `\r`, `\f`, which
/// tabwriter treats as a newline) with `...` appended, then `EscapeTerminal` (ESC → `^[`).
/// svcsim also shows every other rune Go calls non-printable as its `%q` escape — tabs
/// (which would split the cell), bidirectional overrides, zero-width characters
/// ([`crate::quote::escape_terminal`]) — and caps the cell at [`MAX_CELL`] bytes.
fn escape_cell(cell: &str) -> String {
    let (text, truncated) = match cell.find(['\n', '\r', '\x0c']) {
        Some(i) => (cell.get(..i).unwrap_or(""), true),
        None => (cell, false),
    };
    let capped = crate::quote::truncate(text, MAX_CELL);
    let escaped = crate::quote::escape_terminal(&capped);
    let mut s = if escaped.contains('\t') {
        escaped.replace('\t', "\\t")
    } else {
        escaped.into_owned()
    };
    if truncated {
        s.push_str("...");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_all_but_last_column() {
        let t = kubectl_table(&[
            vec!["NAME".into(), "TYPE".into(), "AGE".into()],
            vec!["kubernetes".into(), "ClusterIP".into(), "5d".into()],
        ]);
        assert_eq!(
            t,
            "NAME         TYPE        AGE\nkubernetes   ClusterIP   5d\n"
        );
    }

    #[test]
    fn minwidth_applies() {
        let t = kubectl_table(&[vec!["A".into(), "B".into()], vec!["x".into(), "y".into()]]);
        assert_eq!(t, "A     B\nx     y\n");
    }

    #[test]
    fn single_cell_line_ends_the_block() {
        // describe-style: padding 2, minwidth 0.
        let t = tabwrite("Name:\tx\nEvents:\nType\tReason\n--\t--\n", 0, 2);
        assert_eq!(t, "Name:  x\nEvents:\nType  Reason\n--    --\n");
    }

    #[test]
    fn empty_terminated_cell_is_padded() {
        let t = tabwrite("Labels:\ta=b\n\tc=d\nIP:\t\n", 0, 2);
        assert_eq!(t, "Labels:  a=b\n         c=d\nIP:      \n");
    }

    #[test]
    fn nested_column_blocks() {
        let t = tabwrite("Port:\thttp\t80/TCP\nTargetPort:\t8080/TCP\n", 0, 2);
        assert_eq!(t, "Port:        http  80/TCP\nTargetPort:  8080/TCP\n");
    }

    #[test]
    fn newlines_in_cells_are_cut() {
        let t = kubectl_table(&[
            vec!["A".into(), "B".into()],
            vec!["x\ny".into(), "z".into()],
        ]);
        assert_eq!(t, "A      B\nx...   z\n");
    }

    /// Hostile cells: ANSI sequences as kubectl shows them (`^[`), invisible and
    /// bidirectional characters and tabs as Go escapes, a 1 MB value capped.
    #[test]
    fn hostile_cells_are_escaped_and_capped() {
        let cases: &[(&str, &str)] = &[
            ("\u{1b}[31mred\u{1b}[0m", "^[[31mred^[[0m"),
            ("nginx\u{1b}[2J\u{202e}", "nginx^[[2J\\u202e"),
            ("a\u{200b}b\tc", "a\\u200bb\\tc"),
            ("bell\u{7}\nsecond line", "bell\\a..."),
            ("日本語", "日本語"),
        ];
        for (cell, want) in cases {
            assert_eq!(escape_cell(cell), *want, "{cell:?}");
        }
        let mb = "x".repeat(1 << 20);
        let cell = escape_cell(&mb);
        assert_eq!(
            cell,
            format!(
                "{}... ({} bytes omitted)",
                "x".repeat(MAX_CELL),
                (1 << 20) - MAX_CELL
            )
        );
        let t = kubectl_table(&[vec!["NAME".into(), "IMAGES".into()], vec!["d".into(), mb]]);
        assert!(t.len() < MAX_CELL + 100);
    }
}
