//! Reader for CTranslate2 `model.bin` files (binary version 6).
//!
//! Layout: u32 version; string spec name; u32 spec revision; u32 variable count; per variable: string name,
//! u8 rank, u32 dims[rank], u8 dtype, u32 byte count, data; then u32 alias count and (alias, target) string pairs.
//! A string is a u16 length that counts a trailing NUL, then the bytes. All integers are little-endian.

use crate::ModelError;

/// Element type of a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ct2Dtype {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl Ct2Dtype {
    fn from_code(code: u8) -> Option<Ct2Dtype> {
        Some(match code {
            0 => Ct2Dtype::F32,
            1 => Ct2Dtype::I8,
            2 => Ct2Dtype::I16,
            3 => Ct2Dtype::I32,
            4 => Ct2Dtype::F16,
            5 => Ct2Dtype::Bf16,
            _ => return None,
        })
    }

    pub fn code(self) -> u8 {
        match self {
            Ct2Dtype::F32 => 0,
            Ct2Dtype::I8 => 1,
            Ct2Dtype::I16 => 2,
            Ct2Dtype::I32 => 3,
            Ct2Dtype::F16 => 4,
            Ct2Dtype::Bf16 => 5,
        }
    }

    pub fn size(self) -> usize {
        match self {
            Ct2Dtype::I8 => 1,
            Ct2Dtype::I16 | Ct2Dtype::F16 | Ct2Dtype::Bf16 => 2,
            Ct2Dtype::F32 | Ct2Dtype::I32 => 4,
        }
    }
}

/// One named tensor or scalar.
#[derive(Debug, Clone, PartialEq)]
pub struct Ct2Variable {
    pub name: String,
    pub shape: Vec<u32>,
    pub dtype: Ct2Dtype,
    pub data: Vec<u8>,
}

impl Ct2Variable {
    /// An integer scalar (e.g. `encoder/num_heads`), whatever its integer width.
    pub fn as_int_scalar(&self) -> Option<i64> {
        let b = &self.data;
        match (self.dtype, b.len()) {
            (Ct2Dtype::I8, 1) => Some(i64::from(b[0] as i8)),
            (Ct2Dtype::I16, 2) => Some(i64::from(i16::from_le_bytes([b[0], b[1]]))),
            (Ct2Dtype::I32, 4) => Some(i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
            _ => None,
        }
    }

    pub fn element_count(&self) -> usize {
        self.shape.iter().map(|&d| d as usize).product()
    }
}

/// A parsed CTranslate2 model.
#[derive(Debug, Clone, PartialEq)]
pub struct Ct2Model {
    pub version: u32,
    pub spec: String,
    pub spec_revision: u32,
    pub variables: Vec<Ct2Variable>,
    pub aliases: Vec<(String, String)>,
}

impl Ct2Model {
    /// The variable called `name`, following aliases.
    pub fn variable(&self, name: &str) -> Option<&Ct2Variable> {
        if let Some(v) = self.variables.iter().find(|v| v.name == name) {
            return Some(v);
        }
        let target = self.aliases.iter().find(|(alias, _)| alias == name)?;
        self.variables.iter().find(|v| v.name == target.1)
    }

    /// Parse the bytes of a `model.bin`.
    pub fn parse(bytes: &[u8]) -> Result<Ct2Model, ModelError> {
        let mut r = Reader { bytes, pos: 0 };
        let version = r.u32()?;
        if version != 6 {
            return Err(ModelError::Ct2Format(format!(
                "binary version {version} is not supported (only version 6)"
            )));
        }
        let spec = r.string()?;
        let spec_revision = r.u32()?;
        let count = r.u32()? as usize;
        let mut variables = Vec::with_capacity(count.min(10_000));
        for _ in 0..count {
            let name = r.string()?;
            let rank = r.u8()? as usize;
            let mut shape = Vec::with_capacity(rank);
            for _ in 0..rank {
                shape.push(r.u32()?);
            }
            let code = r.u8()?;
            let dtype = Ct2Dtype::from_code(code).ok_or_else(|| {
                ModelError::Ct2Format(format!("variable {name} has unknown dtype code {code}"))
            })?;
            let byte_count = r.u32()? as usize;
            let elements: usize = shape.iter().map(|&d| d as usize).product();
            if elements * dtype.size() != byte_count {
                return Err(ModelError::Ct2Format(format!(
                    "variable {name}: shape {shape:?} of {dtype:?} needs {} bytes but the file says {byte_count}",
                    elements * dtype.size()
                )));
            }
            let data = r.take(byte_count)?.to_vec();
            variables.push(Ct2Variable {
                name,
                shape,
                dtype,
                data,
            });
        }
        let alias_count = r.u32()? as usize;
        let mut aliases = Vec::with_capacity(alias_count.min(10_000));
        for _ in 0..alias_count {
            let alias = r.string()?;
            let target = r.string()?;
            aliases.push((alias, target));
        }
        if r.pos != bytes.len() {
            return Err(ModelError::Ct2Format(format!(
                "{} unexpected bytes after the aliases (truncated download or a different format?)",
                bytes.len() - r.pos
            )));
        }
        Ok(Ct2Model {
            version,
            spec,
            spec_revision,
            variables,
            aliases,
        })
    }

    /// Serialise back to the binary layout (used by tests to build synthetic models).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.version.to_le_bytes());
        write_string(&mut out, &self.spec);
        out.extend_from_slice(&self.spec_revision.to_le_bytes());
        out.extend_from_slice(&(self.variables.len() as u32).to_le_bytes());
        for v in &self.variables {
            write_string(&mut out, &v.name);
            out.push(v.shape.len() as u8);
            for d in &v.shape {
                out.extend_from_slice(&d.to_le_bytes());
            }
            out.push(v.dtype.code());
            out.extend_from_slice(&(v.data.len() as u32).to_le_bytes());
            out.extend_from_slice(&v.data);
        }
        out.extend_from_slice(&(self.aliases.len() as u32).to_le_bytes());
        for (a, t) in &self.aliases {
            write_string(&mut out, a);
            write_string(&mut out, t);
        }
        out
    }
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| {
                ModelError::Ct2Format(format!(
                    "file ends at byte {} while reading {n} bytes at {} (truncated?)",
                    self.bytes.len(),
                    self.pos
                ))
            })?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn string(&mut self) -> Result<String, ModelError> {
        let len = self.u16()? as usize;
        let raw = self.take(len)?;
        let raw = raw.strip_suffix(&[0]).ok_or_else(|| {
            ModelError::Ct2Format(format!(
                "string at byte {} lacks its trailing NUL",
                self.pos - len
            ))
        })?;
        String::from_utf8(raw.to_vec()).map_err(|_| {
            ModelError::Ct2Format(format!("string at byte {} is not UTF-8", self.pos - len))
        })
    }
}
