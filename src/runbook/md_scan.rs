//! Splits Markdown into the blocks a runbook is made of: headings,
//! paragraphs and fenced code blocks. Only as much CommonMark as runbooks
//! use; anything else is paragraph text, kept as written.

/// One block, with its 1-based first line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading {
        level: usize,
        text: String,
        line: usize,
    },
    /// Consecutive non-blank lines, each trimmed at the end.
    Para {
        text: String,
        line: usize,
    },
    Fence(Fence),
    /// A blank line: separates paragraphs, and tells whether a block follows
    /// another "directly".
    Blank,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fence {
    /// The info string after the fence marker, trimmed.
    pub info: String,
    /// The body lines with the fence's own indentation removed.
    pub body: Vec<String>,
    /// The block as written (fence lines included), for context text.
    pub raw: String,
    pub line: usize,
}

/// An error at a line of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    pub line: usize,
    pub message: String,
}

/// `lines` are the file's lines after front matter; `first_line` is the
/// 1-based line number of `lines[0]`.
pub fn scan(lines: &[&str], first_line: usize) -> Result<Vec<Block>, ScanError> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut para_line = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let number = first_line + i;
        if let Some(open) = fence_open(line) {
            flush(&mut blocks, &mut para, para_line);
            let (fence, next) = read_fence(lines, i, &open, number)?;
            blocks.push(Block::Fence(fence));
            i = next;
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut blocks, &mut para, para_line);
            blocks.push(Block::Blank);
        } else if let Some((level, text)) = heading(line) {
            flush(&mut blocks, &mut para, para_line);
            blocks.push(Block::Heading {
                level,
                text,
                line: number,
            });
        } else {
            if para.is_empty() {
                para_line = number;
            }
            para.push(line);
        }
        i += 1;
    }
    flush(&mut blocks, &mut para, para_line);
    Ok(blocks)
}

fn flush(blocks: &mut Vec<Block>, para: &mut Vec<&str>, line: usize) {
    if para.is_empty() {
        return;
    }
    let text: Vec<&str> = para.iter().map(|l| l.trim_end()).collect();
    blocks.push(Block::Para {
        text: text.join("\n").trim().to_string(),
        line,
    });
    para.clear();
}

struct Open {
    indent: usize,
    marker: char,
    len: usize,
    info: String,
}

/// A fence opening: optional indentation, then 3+ backticks or tildes.
fn fence_open(line: &str) -> Option<Open> {
    let rest = line.trim_start_matches([' ', '\t']);
    let indent = line.len() - rest.len();
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == marker).count();
    if len < 3 {
        return None;
    }
    // `len` counts one-byte chars, so this slice is on a boundary.
    let info = rest[len..].trim();
    // CommonMark: a backtick fence's info string may not contain backticks
    // (that line is inline code, not a fence).
    if marker == '`' && info.contains('`') {
        return None;
    }
    Some(Open {
        indent,
        marker,
        len,
        info: info.to_string(),
    })
}

fn read_fence(
    lines: &[&str],
    start: usize,
    open: &Open,
    number: usize,
) -> Result<(Fence, usize), ScanError> {
    let mut body = Vec::new();
    let mut raw = vec![lines[start].trim_start_matches([' ', '\t'])];
    for (j, line) in lines.iter().enumerate().skip(start + 1) {
        let stripped = strip_indent(line, open.indent);
        if is_close(line, open) {
            raw.push(line.trim());
            let fence = Fence {
                info: open.info.clone(),
                raw: raw.join("\n"),
                body,
                line: number,
            };
            return Ok((fence, j + 1));
        }
        raw.push(stripped);
        body.push(stripped.to_string());
    }
    Err(ScanError {
        line: number,
        message: format!(
            "code block opened here with {} is never closed",
            open.marker.to_string().repeat(open.len)
        ),
    })
}

fn is_close(line: &str, open: &Open) -> bool {
    let t = line.trim();
    t.chars().count() >= open.len && t.chars().all(|c| c == open.marker)
}

/// Removes up to `n` leading spaces or tabs (the fence's own indentation, as
/// inside a list item); deeper indentation is the command's own.
fn strip_indent(line: &str, n: usize) -> &str {
    let ws = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[ws.min(n)..]
}

/// An ATX heading (`## Diagnosis ##`): level and text.
fn heading(line: &str) -> Option<(usize, String)> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let level = rest.chars().take_while(|c| *c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let after = &rest[level..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let text = after.trim().trim_end_matches('#').trim_end();
    Some((level, text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_in_list_items_lose_their_indentation_only() {
        let lines = [
            "1. Check:",
            "",
            "   ```sh",
            "   kubectl get pods",
            "     --watch",
            "   ```",
        ];
        let blocks = scan(&lines, 10).unwrap();
        let Block::Fence(f) = &blocks[2] else {
            panic!("{blocks:?}")
        };
        assert_eq!(f.body, vec!["kubectl get pods", "  --watch"]);
        assert_eq!(f.line, 12);
    }

    #[test]
    fn longer_fences_hold_shorter_ones() {
        let lines = ["````md", "```sh", "x", "```", "````"];
        let blocks = scan(&lines, 1).unwrap();
        assert_eq!(blocks.len(), 1);
    }

    #[test]
    fn headings_need_a_space() {
        assert_eq!(heading("## Mitigation ##"), Some((2, "Mitigation".into())));
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(heading("    # code"), None);
    }
}
