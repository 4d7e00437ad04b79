//! Integration tests of the speech pipeline on the scripted interview fixtures with the real models
//! (Silero VAD through ONNX Runtime, whisper.cpp tiny.en and base). Models are fetched and converted by
//! `copilot_models::ensure` when missing; fixture audio is generated with `make_audio.sh` when missing.

mod fixtures;
mod metrics;
mod pipeline_logic;
mod real_models;
