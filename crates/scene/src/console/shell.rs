//! The shell around the commands: bash's word splitting and quoting, and the few operators a
//! student types (`|`, `;`, `&&`, `||`).
//!
//! Reproduces bash's rules for the parts it covers: words split at unquoted blanks; `'…'`
//! is literal; `"…"` keeps everything but lets a backslash escape `"`, `\`, `$` and `` ` ``;
//! outside quotes a backslash makes the next character literal; an unquoted `#` at the start
//! of a word begins a comment. Variables, globs and redirections are not expanded (the words
//! are kept as typed).

/// One word of a command line, with where it was typed (byte offsets into the line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The word after quote removal.
    pub text: String,
    /// Byte offset where the word starts in the line (its first quote, if quoted).
    pub start: usize,
    /// Byte offset just after the word.
    pub end: usize,
    /// An unquoted control operator (`|`, `;`, `&&`, `||`), not an ordinary word.
    pub op: bool,
}

/// The result of splitting a line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Lexed {
    pub words: Vec<Word>,
    /// The quote character still open at the end of the line, if any (bash would ask for
    /// more input; the console reports it as bash does at end of file).
    pub open_quote: Option<char>,
}

/// Split `line` into words as bash does (see the module docs). Never fails: an unterminated
/// quote is reported in [`Lexed::open_quote`] and the text so far kept in the last word.
pub(crate) fn lex(line: &str) -> Lexed {
    let mut out = Lexed::default();
    let mut chars = line.char_indices().peekable();
    // The word being built: (text, start, started).
    let mut cur = String::new();
    let mut start: Option<usize> = None;
    let finish = |out: &mut Lexed, cur: &mut String, start: &mut Option<usize>, end: usize| {
        if let Some(s) = start.take() {
            out.words.push(Word {
                text: std::mem::take(cur),
                start: s,
                end,
                op: false,
            });
        }
    };
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => finish(&mut out, &mut cur, &mut start, i),
            '#' if start.is_none() => {
                // A comment runs to the end of the line.
                break;
            }
            '|' | ';' | '&' => {
                finish(&mut out, &mut cur, &mut start, i);
                let mut op = c.to_string();
                let mut end = i + c.len_utf8();
                if c != ';' {
                    if let Some(&(j, d)) = chars.peek() {
                        if d == c {
                            op.push(d);
                            end = j + d.len_utf8();
                            chars.next();
                        }
                    }
                }
                out.words.push(Word {
                    text: op,
                    start: i,
                    end,
                    op: true,
                });
            }
            '\\' => {
                start.get_or_insert(i);
                if let Some((_, d)) = chars.next() {
                    if d != '\n' {
                        cur.push(d);
                    }
                }
            }
            '\'' => {
                start.get_or_insert(i);
                let mut closed = false;
                for (_, d) in chars.by_ref() {
                    if d == '\'' {
                        closed = true;
                        break;
                    }
                    cur.push(d);
                }
                if !closed {
                    out.open_quote = Some('\'');
                }
            }
            '"' => {
                start.get_or_insert(i);
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    match d {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.peek().map(|&(_, e)| e) {
                            Some(e @ ('"' | '\\' | '$' | '`')) => {
                                cur.push(e);
                                chars.next();
                            }
                            Some('\n') => {
                                chars.next();
                            }
                            _ => cur.push('\\'),
                        },
                        _ => cur.push(d),
                    }
                }
                if !closed {
                    out.open_quote = Some('"');
                }
            }
            _ => {
                start.get_or_insert(i);
                cur.push(c);
            }
        }
    }
    finish(&mut out, &mut cur, &mut start, line.len());
    out
}

/// How a command is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Connector {
    /// First command, or after `;`: always run.
    Always,
    /// After `&&`: run if the previous pipeline succeeded.
    And,
    /// After `||`: run if the previous pipeline failed.
    Or,
}

/// A pipeline: commands joined by `|`, each a list of words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pipeline {
    pub connector: Connector,
    pub commands: Vec<Vec<String>>,
}

/// bash's message for a misplaced operator (`| x`, `a ||`, `;;`).
pub(crate) fn syntax_error(token: &str) -> String {
    format!("bash: syntax error near unexpected token `{token}'")
}

/// Group words into pipelines; `Err` is bash's syntax error text.
pub(crate) fn parse(words: &[Word]) -> Result<Vec<Pipeline>, String> {
    let mut list: Vec<Pipeline> = Vec::new();
    let mut pipeline = Pipeline {
        connector: Connector::Always,
        commands: Vec::new(),
    };
    let mut command: Vec<String> = Vec::new();
    for w in words {
        if !w.op {
            command.push(w.text.clone());
            continue;
        }
        if command.is_empty() {
            return Err(syntax_error(&w.text));
        }
        pipeline.commands.push(std::mem::take(&mut command));
        let next = match w.text.as_str() {
            "|" => continue,
            ";" => Connector::Always,
            "&&" => Connector::And,
            "||" => Connector::Or,
            // `&` (background) and `|&`-like spellings are not supported: run in order.
            "&" => Connector::Always,
            other => return Err(syntax_error(other)),
        };
        list.push(std::mem::replace(
            &mut pipeline,
            Pipeline {
                connector: next,
                commands: Vec::new(),
            },
        ));
    }
    if command.is_empty() {
        if !pipeline.commands.is_empty() {
            // `a |` at the end: bash asks for more input; report it as end of file.
            return Err("bash: syntax error: unexpected end of file".to_string());
        }
        if pipeline.connector != Connector::Always {
            return Err("bash: syntax error: unexpected end of file".to_string());
        }
    } else {
        pipeline.commands.push(command);
    }
    if !pipeline.commands.is_empty() {
        list.push(pipeline);
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        lex(line).words.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn quoting() {
        assert_eq!(
            texts("a 'b c' \"d \\\" e\" f\\ g"),
            ["a", "b c", "d \" e", "f g"]
        );
        assert_eq!(texts("x''y \"\""), ["xy", ""]);
        assert_eq!(texts("a # comment"), ["a"]);
        assert_eq!(texts("a#b"), ["a#b"]);
        assert_eq!(lex("'open").open_quote, Some('\''));
        assert_eq!(texts("a|b&&c"), ["a", "|", "b", "&&", "c"]);
        let w = lex("  kubectl  get");
        assert_eq!((w.words[1].start, w.words[1].end), (11, 14));
    }

    #[test]
    fn pipelines() {
        let p = parse(&lex("a | b; c && d || e").words).unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].commands, vec![vec!["a"], vec!["b"]]);
        assert_eq!(p[2].connector, Connector::And);
        assert_eq!(
            parse(&lex("| a").words).unwrap_err(),
            "bash: syntax error near unexpected token `|'"
        );
        assert!(parse(&lex("a |").words).is_err());
        assert_eq!(parse(&lex("").words).unwrap(), vec![]);
    }
}
