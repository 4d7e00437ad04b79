//! CTranslate2 Whisper -> whisper.cpp ggml conversion.
//!
//! Writes what whisper.cpp's `convert-pt-to-ggml.py` writes from an OpenAI checkpoint: magic, 11 i32
//! hyper-parameters, the mel filterbank, the byte-level vocabulary (tokens before `<|endoftext|>`), then the
//! tensors under OpenAI's PyTorch names in the checkpoint's order. Matrices stay fp16; biases, layer norms,
//! the conv biases (as `[n, 1]`) and positional embeddings are written as f32.

use half::f16;

use crate::ModelError;
use crate::ct2::{Ct2Dtype, Ct2Model, Ct2Variable};
use crate::mel::mel_filterbank;

const GGML_MAGIC: u32 = 0x6767_6d6c;
const N_MELS: usize = 80;
const N_FFT: usize = 400;
const SAMPLE_RATE: u32 = 16_000;

/// Whisper hyper-parameters, in the order the ggml header stores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hparams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    /// 1 = fp16 matrices.
    pub ftype: i32,
}

/// Where a ggml tensor's data comes from in the CTranslate2 model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorSource {
    /// CTranslate2 variable name.
    pub ct2_name: String,
    /// Which third (Q;K;V) or half (K;V) of a fused variable, as (part index, part count).
    pub part: Option<(usize, usize)>,
}

/// The ggml tensors of a Whisper model with `encoder_layers`/`decoder_layers` blocks, in checkpoint order,
/// each with its CTranslate2 source.
pub fn tensor_plan(encoder_layers: usize, decoder_layers: usize) -> Vec<(String, TensorSource)> {
    let whole = |n: &str| TensorSource {
        ct2_name: n.to_string(),
        part: None,
    };
    let part = |n: &str, i, of| TensorSource {
        ct2_name: n.to_string(),
        part: Some((i, of)),
    };
    let mut plan: Vec<(String, TensorSource)> = Vec::new();
    let mut push = |name: String, src: TensorSource| plan.push((name, src));

    // Encoder: its own buffer (positional embedding) first, then conv1, conv2, blocks, ln_post.
    push(
        "encoder.positional_embedding".into(),
        whole("encoder/position_encodings/encodings"),
    );
    for conv in ["conv1", "conv2"] {
        push(
            format!("encoder.{conv}.weight"),
            whole(&format!("encoder/{conv}/weight")),
        );
        push(
            format!("encoder.{conv}.bias"),
            whole(&format!("encoder/{conv}/bias")),
        );
    }
    for n in 0..encoder_layers {
        let ct = format!("encoder/layer_{n}");
        let pt = format!("encoder.blocks.{n}");
        self_attention(&mut push, &ct, &pt, &whole, &part);
        feed_forward(&mut push, &ct, &pt, &whole);
    }
    push(
        "encoder.ln_post.weight".into(),
        whole("encoder/layer_norm/gamma"),
    );
    push(
        "encoder.ln_post.bias".into(),
        whole("encoder/layer_norm/beta"),
    );

    // Decoder: its own parameter (positional embedding) first, then token embedding, blocks, ln.
    push(
        "decoder.positional_embedding".into(),
        whole("decoder/position_encodings/encodings"),
    );
    push(
        "decoder.token_embedding.weight".into(),
        whole("decoder/embeddings/weight"),
    );
    for n in 0..decoder_layers {
        let ct = format!("decoder/layer_{n}");
        let pt = format!("decoder.blocks.{n}");
        self_attention(&mut push, &ct, &pt, &whole, &part);
        let a = format!("{ct}/attention");
        push(
            format!("{pt}.cross_attn.query.weight"),
            whole(&format!("{a}/linear_0/weight")),
        );
        push(
            format!("{pt}.cross_attn.query.bias"),
            whole(&format!("{a}/linear_0/bias")),
        );
        push(
            format!("{pt}.cross_attn.key.weight"),
            part(&format!("{a}/linear_1/weight"), 0, 2),
        );
        push(
            format!("{pt}.cross_attn.value.weight"),
            part(&format!("{a}/linear_1/weight"), 1, 2),
        );
        push(
            format!("{pt}.cross_attn.value.bias"),
            part(&format!("{a}/linear_1/bias"), 1, 2),
        );
        push(
            format!("{pt}.cross_attn.out.weight"),
            whole(&format!("{a}/linear_2/weight")),
        );
        push(
            format!("{pt}.cross_attn.out.bias"),
            whole(&format!("{a}/linear_2/bias")),
        );
        push(
            format!("{pt}.cross_attn_ln.weight"),
            whole(&format!("{a}/layer_norm/gamma")),
        );
        push(
            format!("{pt}.cross_attn_ln.bias"),
            whole(&format!("{a}/layer_norm/beta")),
        );
        feed_forward(&mut push, &ct, &pt, &whole);
    }
    push(
        "decoder.ln.weight".into(),
        whole("decoder/layer_norm/gamma"),
    );
    push("decoder.ln.bias".into(), whole("decoder/layer_norm/beta"));
    plan
}

fn self_attention(
    push: &mut impl FnMut(String, TensorSource),
    ct: &str,
    pt: &str,
    whole: &impl Fn(&str) -> TensorSource,
    part: &impl Fn(&str, usize, usize) -> TensorSource,
) {
    let a = format!("{ct}/self_attention");
    let w = format!("{a}/linear_0/weight");
    let b = format!("{a}/linear_0/bias");
    push(format!("{pt}.attn.query.weight"), part(&w, 0, 3));
    push(format!("{pt}.attn.query.bias"), part(&b, 0, 3));
    // Whisper's key projection has no bias (CTranslate2 stores zeros there).
    push(format!("{pt}.attn.key.weight"), part(&w, 1, 3));
    push(format!("{pt}.attn.value.weight"), part(&w, 2, 3));
    push(format!("{pt}.attn.value.bias"), part(&b, 2, 3));
    push(
        format!("{pt}.attn.out.weight"),
        whole(&format!("{a}/linear_1/weight")),
    );
    push(
        format!("{pt}.attn.out.bias"),
        whole(&format!("{a}/linear_1/bias")),
    );
    push(
        format!("{pt}.attn_ln.weight"),
        whole(&format!("{a}/layer_norm/gamma")),
    );
    push(
        format!("{pt}.attn_ln.bias"),
        whole(&format!("{a}/layer_norm/beta")),
    );
}

fn feed_forward(
    push: &mut impl FnMut(String, TensorSource),
    ct: &str,
    pt: &str,
    whole: &impl Fn(&str) -> TensorSource,
) {
    let f = format!("{ct}/ffn");
    push(
        format!("{pt}.mlp.0.weight"),
        whole(&format!("{f}/linear_0/weight")),
    );
    push(
        format!("{pt}.mlp.0.bias"),
        whole(&format!("{f}/linear_0/bias")),
    );
    push(
        format!("{pt}.mlp.2.weight"),
        whole(&format!("{f}/linear_1/weight")),
    );
    push(
        format!("{pt}.mlp.2.bias"),
        whole(&format!("{f}/linear_1/bias")),
    );
    push(
        format!("{pt}.mlp_ln.weight"),
        whole(&format!("{f}/layer_norm/gamma")),
    );
    push(
        format!("{pt}.mlp_ln.bias"),
        whole(&format!("{f}/layer_norm/beta")),
    );
}

/// A tensor cut from its CTranslate2 variable: shape (outermost first) and fp16 or f32 elements.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// Cut `source` out of the model: a whole variable or one part of a fused one (split along dimension 0).
pub fn slice(model: &Ct2Model, source: &TensorSource) -> Result<Slice, ModelError> {
    let var = model.variable(&source.ct2_name).ok_or_else(|| {
        ModelError::Ct2Format(format!(
            "variable {} is missing (not a Whisper model?)",
            source.ct2_name
        ))
    })?;
    let values = float_values(var)?;
    let mut shape: Vec<usize> = var.shape.iter().map(|&d| d as usize).collect();
    let Some((index, count)) = source.part else {
        return Ok(Slice { shape, values });
    };
    let rows = *shape.first().ok_or_else(|| {
        ModelError::Ct2Format(format!(
            "variable {} is a scalar, cannot split it",
            var.name
        ))
    })?;
    if rows % count != 0 {
        return Err(ModelError::Ct2Format(format!(
            "variable {} has {rows} rows, not divisible into {count} parts",
            var.name
        )));
    }
    let part_rows = rows / count;
    let row_len: usize = shape[1..].iter().product();
    let start = index * part_rows * row_len;
    let end = start + part_rows * row_len;
    shape[0] = part_rows;
    Ok(Slice {
        shape,
        values: values[start..end].to_vec(),
    })
}

fn float_values(var: &Ct2Variable) -> Result<Vec<f32>, ModelError> {
    match var.dtype {
        Ct2Dtype::F16 => Ok(var
            .data
            .chunks_exact(2)
            .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect()),
        Ct2Dtype::F32 => Ok(var
            .data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()),
        other => Err(ModelError::Ct2Format(format!(
            "variable {} is {other:?}; only fp16/fp32 models can be converted (quantised CTranslate2 models are not supported)",
            var.name
        ))),
    }
}

/// The GPT-2 byte decoder: the printable character each byte was mapped to, back to the byte.
pub fn gpt2_byte_decoder() -> std::collections::HashMap<char, u8> {
    let mut printable: Vec<u32> = (u32::from('!')..=u32::from('~')).collect();
    printable.extend(u32::from('¡')..=u32::from('¬'));
    printable.extend(u32::from('®')..=u32::from('ÿ'));
    let mut map = std::collections::HashMap::new();
    let mut extra = 0u32;
    for b in 0u32..256 {
        let ch = if printable.contains(&b) {
            b
        } else {
            extra += 1;
            255 + extra
        };
        if let Some(c) = char::from_u32(ch) {
            map.insert(c, b as u8);
        }
    }
    map
}

/// Token strings (CTranslate2 vocabulary order) before `<|endoftext|>`, as raw bytes.
pub fn vocab_bytes(tokens: &[String]) -> Result<Vec<Vec<u8>>, ModelError> {
    let eot = tokens
        .iter()
        .position(|t| t == "<|endoftext|>")
        .ok_or_else(|| {
            ModelError::Ct2Format("the vocabulary has no <|endoftext|> token".to_string())
        })?;
    let decoder = gpt2_byte_decoder();
    tokens[..eot]
        .iter()
        .map(|t| {
            t.chars()
                .map(|c| {
                    decoder.get(&c).copied().ok_or_else(|| {
                        ModelError::Ct2Format(format!(
                            "token {t:?} has a character outside the GPT-2 byte alphabet"
                        ))
                    })
                })
                .collect()
        })
        .collect()
}

/// Parse `vocabulary.txt` (one token per line) or `vocabulary.json` (a JSON array).
pub fn parse_vocabulary(bytes: &[u8], json: bool) -> Result<Vec<String>, ModelError> {
    if json {
        serde_json::from_slice(bytes).map_err(|e| {
            ModelError::Ct2Format(format!(
                "vocabulary.json is not a JSON list of strings: {e}"
            ))
        })
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| ModelError::Ct2Format("vocabulary.txt is not UTF-8".to_string()))?;
        Ok(text.lines().map(str::to_string).collect())
    }
}

fn int_var(model: &Ct2Model, name: &str) -> Result<i32, ModelError> {
    model
        .variable(name)
        .and_then(Ct2Variable::as_int_scalar)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| ModelError::Ct2Format(format!("integer variable {name} is missing")))
}

fn dim(model: &Ct2Model, name: &str, axis: usize) -> Result<i32, ModelError> {
    model
        .variable(name)
        .and_then(|v| v.shape.get(axis).copied())
        .and_then(|d| i32::try_from(d).ok())
        .ok_or_else(|| {
            ModelError::Ct2Format(format!(
                "variable {name} is missing or has too few dimensions"
            ))
        })
}

fn layer_count(model: &Ct2Model, prefix: &str) -> usize {
    (0..)
        .take_while(|n| {
            model
                .variable(&format!("{prefix}/layer_{n}/ffn/linear_0/weight"))
                .is_some()
        })
        .count()
}

/// Hyper-parameters read from the model's shapes and scalars.
pub fn hparams(model: &Ct2Model, n_vocab: usize) -> Result<Hparams, ModelError> {
    Ok(Hparams {
        n_vocab: i32::try_from(n_vocab)
            .map_err(|_| ModelError::Ct2Format("vocabulary too large".into()))?,
        n_audio_ctx: dim(model, "encoder/position_encodings/encodings", 0)?,
        n_audio_state: dim(model, "encoder/position_encodings/encodings", 1)?,
        n_audio_head: int_var(model, "encoder/num_heads")?,
        n_audio_layer: layer_count(model, "encoder") as i32,
        n_text_ctx: dim(model, "decoder/position_encodings/encodings", 0)?,
        n_text_state: dim(model, "decoder/position_encodings/encodings", 1)?,
        n_text_head: int_var(model, "decoder/num_heads")?,
        n_text_layer: layer_count(model, "decoder") as i32,
        n_mels: dim(model, "encoder/conv1/weight", 1)?,
        ftype: 1,
    })
}

/// Whether convert-pt-to-ggml.py keeps this tensor in f32.
pub fn stays_f32(name: &str, n_dims: usize) -> bool {
    n_dims < 2
        || matches!(
            name,
            "encoder.conv1.bias"
                | "encoder.conv2.bias"
                | "encoder.positional_embedding"
                | "decoder.positional_embedding"
        )
}

/// Convert a parsed CTranslate2 Whisper model and its vocabulary into ggml bytes, written to `out`.
/// `progress` gets (tensors done, tensors total).
pub fn convert(
    model: &Ct2Model,
    vocabulary: &[String],
    out: &mut impl std::io::Write,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), ModelError> {
    if model.spec != "WhisperSpec" {
        return Err(ModelError::Ct2Format(format!(
            "spec is {:?}, expected WhisperSpec",
            model.spec
        )));
    }
    let hp = hparams(model, vocabulary.len())?;
    if hp.n_mels as usize != N_MELS {
        return Err(ModelError::Ct2Format(format!(
            "{} mel bins; only 80 are supported",
            hp.n_mels
        )));
    }
    let mut w = Vec::with_capacity(1 << 20);
    w.extend_from_slice(&GGML_MAGIC.to_le_bytes());
    for v in [
        hp.n_vocab,
        hp.n_audio_ctx,
        hp.n_audio_state,
        hp.n_audio_head,
        hp.n_audio_layer,
        hp.n_text_ctx,
        hp.n_text_state,
        hp.n_text_head,
        hp.n_text_layer,
        hp.n_mels,
        hp.ftype,
    ] {
        w.extend_from_slice(&v.to_le_bytes());
    }
    let filters = mel_filterbank(SAMPLE_RATE, N_FFT, N_MELS);
    w.extend_from_slice(&(N_MELS as i32).to_le_bytes());
    w.extend_from_slice(&((N_FFT / 2 + 1) as i32).to_le_bytes());
    for f in filters {
        w.extend_from_slice(&f.to_le_bytes());
    }
    let tokens = vocab_bytes(vocabulary)?;
    w.extend_from_slice(&(tokens.len() as i32).to_le_bytes());
    for t in &tokens {
        w.extend_from_slice(&(t.len() as i32).to_le_bytes());
        w.extend_from_slice(t);
    }
    out.write_all(&w)
        .map_err(ModelError::io("writing the ggml header"))?;

    let plan = tensor_plan(hp.n_audio_layer as usize, hp.n_text_layer as usize);
    let total = plan.len();
    for (done, (name, source)) in plan.iter().enumerate() {
        let mut s = slice(model, source)?;
        // numpy's squeeze(): drop dimensions of size 1; conv biases are then reshaped to [n, 1].
        s.shape.retain(|&d| d != 1);
        if name == "encoder.conv1.bias" || name == "encoder.conv2.bias" {
            s.shape.push(1);
        }
        let n_dims = s.shape.len();
        let f32_out = stays_f32(name, n_dims);
        let mut buf = Vec::with_capacity(12 + 4 * n_dims + name.len() + s.values.len() * 4);
        buf.extend_from_slice(&(n_dims as i32).to_le_bytes());
        buf.extend_from_slice(&(name.len() as i32).to_le_bytes());
        buf.extend_from_slice(&(if f32_out { 0i32 } else { 1i32 }).to_le_bytes());
        for d in s.shape.iter().rev() {
            buf.extend_from_slice(&(*d as i32).to_le_bytes());
        }
        buf.extend_from_slice(name.as_bytes());
        if f32_out {
            for v in &s.values {
                buf.extend_from_slice(&v.to_le_bytes());
            }
        } else {
            for v in &s.values {
                buf.extend_from_slice(&f16::from_f32(*v).to_le_bytes());
            }
        }
        out.write_all(&buf)
            .map_err(ModelError::io("writing a ggml tensor"))?;
        progress(done + 1, total);
    }
    Ok(())
}
