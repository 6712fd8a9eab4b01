//! Byte offsets (what the config crate's spans hold) to LSP positions (line, UTF-16 code
//! unit) and back.

use lsp_types::{Position, Range};

/// The start of each line of a text, for converting offsets and positions.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = self.text[start..offset].encode_utf16().count();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of `len` bytes from `offset`.
    pub fn range(&self, offset: usize, len: usize) -> Range {
        Range::new(self.position(offset), self.position(offset + len))
    }

    /// The byte offset of `pos` (a position past the end of its line is the line's end; a
    /// line past the end is the text's end).
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let mut units = 0u32;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= pos.character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }

    /// The range covering the whole text.
    pub fn whole(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.text.len()))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_and_multibyte_chars() {
        let text = "a\n\u{e9}t\u{e9} \u{1f680}x\nend";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap_or_default();
        // é (1 unit) t é (1) space 🚀 (2 units) => x at column 6
        assert_eq!(idx.position(x), Position::new(1, 6));
        assert_eq!(idx.offset(Position::new(1, 6)), x);
        assert_eq!(idx.position(text.len()), Position::new(2, 3));
        assert_eq!(idx.offset(Position::new(0, 99)), 1);
        assert_eq!(idx.offset(Position::new(9, 0)), text.len());
    }
}
