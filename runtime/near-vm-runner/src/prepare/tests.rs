use super::*;
use near_parameters::RuntimeConfig;
use wasmparser::{Parser, Payload, TypeRef};

fn config() -> Config {
    (*RuntimeConfig::mainnet().wasm_config).clone()
}

fn prepare_wat(text: &str) -> Result<PreparedContract, PrepareError> {
    prepare_contract(&wat::parse_str(text).unwrap(), &config())
}

/// `(module, name)` of every import of a module.
fn imports(code: &[u8]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(code) {
        if let Payload::ImportSection(reader) = payload.unwrap() {
            for import in reader {
                let import = import.unwrap();
                let kind = match import.ty {
                    TypeRef::Func(_) => "func",
                    TypeRef::Memory(_) => "memory",
                    _ => "other",
                };
                out.push((import.module.to_string(), import.name.to_string(), kind.to_string()));
            }
        }
    }
    out
}

const RUSTC_STYLE: &str = r#"(module
    (type (func (param i64 i64)))
    (import "env" "value_return" (func $value_return (type 0)))
    (memory (export "memory") 17)
    (global (mut i32) (i32.const 1048576))
    (func (export "main")
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 16))
        (call $value_return (i64.const 4) (i64.const 0)))
    (data (i32.const 0) "hello"))"#;

#[test]
fn a_contract_gets_its_own_memory_with_the_host_limits() {
    let prepared = prepare_wat(RUSTC_STYLE).unwrap();
    let limits = config().limit_config;
    let pinned = (u64::from(limits.initial_memory_pages), Some(u64::from(limits.max_memory_pages)));
    assert_eq!(own_memories_named(&prepared.code, CONTRACT_MEMORY_EXPORT), (vec![pinned], true));
    let imports = imports(&prepared.code);
    assert!(imports.iter().all(|(_, _, kind)| kind != "memory"), "{imports:?}");
    assert!(imports.contains(&("env".into(), "value_return".into(), "func".into())));
    assert_eq!(prepared.env_imports, vec!["value_return".to_string()]);
    // The result is valid wasm for the same feature set.
    wasmparser::Validator::new_with_features(validate::prepared_features()).validate_all(&prepared.code).unwrap();
}

#[test]
fn instrumentation_imports_the_internal_functions() {
    let prepared = prepare_wat(RUSTC_STYLE).unwrap();
    let names: Vec<_> = imports(&prepared.code)
        .into_iter()
        .filter(|(m, _, _)| m == INTERNAL_IMPORT_MODULE)
        .map(|(_, n, _)| n)
        .collect();
    for expected in ["finite_wasm_gas", STACK_EXHAUSTED_IMPORT, "finite_wasm_unstack", "finite_wasm_memory_fill"] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
}

/// The calls of the instrumentation left in an inline-metered module's code: only the
/// exhaustion paths (one per gas point and function entry) and the bulk operators.
fn internal_calls(code: &[u8]) -> Vec<String> {
    let names: Vec<_> = imports(code).into_iter().filter(|(_, _, kind)| kind == "func").collect();
    let mut calls = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(code) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            for op in body.get_operators_reader().unwrap() {
                if let wasmparser::Operator::Call { function_index } = op.unwrap()
                    && let Some((module, name, _)) = names.get(function_index as usize)
                    && module == INTERNAL_IMPORT_MODULE
                {
                    calls.push(name.clone());
                }
            }
        }
    }
    calls
}

#[test]
fn inline_metering_keeps_gas_in_an_exported_global_and_calls_the_host_only_to_fail() {
    let prepared = prepare_wat(RUSTC_STYLE).unwrap();
    let calls = internal_calls(&prepared.code);
    assert!(calls.iter().any(|c| c == "finite_wasm_gas"), "{calls:?}");
    assert!(!calls.iter().any(|c| c == "finite_wasm_unstack" || c == "finite_wasm_stack"), "{calls:?}");
    let exported = wasmparser::Parser::new(0).parse_all(&prepared.code).any(|payload| {
        matches!(payload, Ok(wasmparser::Payload::ExportSection(reader))
            if reader.clone().into_iter().any(|e| e.is_ok_and(|e| e.name == GAS_EXPORT && e.kind == wasmparser::ExternalKind::Global)))
    });
    assert!(exported);
    wasmparser::Validator::new_with_features(validate::prepared_features()).validate_all(&prepared.code).unwrap();
    // The reference keeps finite-wasm's calls, and no global.
    let code = wat::parse_str(RUSTC_STYLE).unwrap();
    let reference = prepare_with_metering(&code, &config(), &ImportPolicy::CONTRACT, Metering::HostCalls).unwrap();
    assert!(internal_calls(&reference.code).iter().any(|c| c == "finite_wasm_unstack"));
}

#[test]
fn inline_metering_adds_its_sections_to_modules_without_globals_or_exports() {
    // A submodule-style module: host memory, a start function, no globals, exports only `main`.
    let text = r#"(module (import "env" "memory" (memory 1)) (func $s) (start $s) (func (export "main")))"#;
    let code = wat::parse_str(text).unwrap();
    let prepared = prepare_with_policy(&code, &config(), &ImportPolicy::SUBMODULE).unwrap();
    wasmparser::Validator::new_with_features(validate::prepared_features()).validate_all(&prepared.code).unwrap();
    let no_exports = wat::parse_str(r#"(module (import "env" "memory" (memory 1)) (func $s) (start $s))"#).unwrap();
    let prepared = prepare_with_policy(&no_exports, &config(), &ImportPolicy::SUBMODULE).unwrap();
    wasmparser::Validator::new_with_features(validate::prepared_features()).validate_all(&prepared.code).unwrap();
}

#[test]
fn a_module_exporting_the_gas_global_name_is_refused() {
    let text = r#"(module (global (export "\00gas") (mut i64) (i64.const 0)) (func (export "main")))"#;
    assert_eq!(prepare_wat(text), Err(PrepareError::Instantiate));
}

#[test]
fn a_contract_without_memory_or_with_an_imported_one_gets_one_at_the_host_limits_and_its_start_is_exported() {
    let limits = config().limit_config;
    let pinned = (u64::from(limits.initial_memory_pages), Some(u64::from(limits.max_memory_pages)));
    let prepared = prepare_wat(r#"(module (func (export "main")))"#).unwrap();
    assert_eq!(own_memories_named(&prepared.code, CONTRACT_MEMORY_EXPORT), (vec![pinned], true));
    let text = r#"(module (import "env" "memory" (memory 1)) (func $s) (start $s) (func (export "main")))"#;
    let prepared = prepare_wat(text).unwrap();
    assert!(imports(&prepared.code).iter().all(|(_, _, kind)| kind != "memory"), "the import is dropped");
    assert_eq!(own_memories_named(&prepared.code, CONTRACT_MEMORY_EXPORT), (vec![pinned], true));
    let has_start = Parser::new(0).parse_all(&prepared.code).any(|p| matches!(p, Ok(Payload::StartSection { .. })));
    assert!(!has_start, "the start function is exported instead");
    assert!(validate::exports_function(&prepared.code, CONTRACT_START_EXPORT, &[], &[]).unwrap());
    // A module already using a reserved export name is refused rather than mangled.
    let reserved = wat::parse_str(r#"(module (func $s) (start $s) (func (export "\00start")))"#).unwrap();
    assert_eq!(prepare_contract(&reserved, &config()), Err(PrepareError::Instantiate));
}

#[test]
fn rejected_features_are_deserialization_errors() {
    let multi_value = r#"(module (func (export "f") (result i32 i32) (i32.const 1) (i32.const 2)))"#;
    let simd = r#"(module (func (export "f") (drop (v128.const i64x2 0 0))))"#;
    let threads = r#"(module (memory 1 1 shared) (func (export "f")))"#;
    for (name, text) in [("multi-value", multi_value), ("simd", simd), ("threads", threads)] {
        assert_eq!(prepare_wat(text), Err(PrepareError::Deserialization), "{name}");
    }
    assert_eq!(prepare_contract(b"not wasm", &config()), Err(PrepareError::Deserialization));
    assert_eq!(prepare_contract(&[], &config()), Err(PrepareError::Deserialization));
}

#[test]
fn accepted_features_prepare() {
    let sign_ext = r#"(module (func (export "f") (drop (i32.extend8_s (i32.const 1)))))"#;
    let saturating = r#"(module (func (export "f") (drop (i32.trunc_sat_f32_s (f32.const 1)))))"#;
    let reference_types = r#"(module (table 2 funcref) (func (export "f") (drop (ref.null func))))"#;
    let bulk = r#"(module (memory 1) (func (export "f") (memory.copy (i32.const 0) (i32.const 1) (i32.const 2))))"#;
    for text in [sign_ext, saturating, reference_types, bulk] {
        prepare_wat(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn structural_limits() {
    let mut limits_config = config();
    limits_config.limit_config.max_functions_number_per_contract = 2;
    let three = wat::parse_str(r#"(module (func) (func) (func))"#).unwrap();
    assert_eq!(prepare_contract(&three, &limits_config), Err(PrepareError::TooManyFunctions));

    let mut locals_config = config();
    locals_config.limit_config.max_locals_per_contract = 3;
    let locals = wat::parse_str(r#"(module (func (local i32 i32) ) (func (local i64 i64)))"#).unwrap();
    assert_eq!(prepare_contract(&locals, &locals_config), Err(PrepareError::TooManyLocals));

    let two_tables = r#"(module (table 1 funcref) (table 1 funcref))"#;
    assert_eq!(prepare_wat(two_tables), Err(PrepareError::TooManyTables));
    let big_table = r#"(module (table 10001 funcref))"#;
    assert_eq!(prepare_wat(big_table), Err(PrepareError::TooManyTableElements));
    let big_memory = r#"(module (memory 2049))"#;
    assert_eq!(prepare_wat(big_memory), Err(PrepareError::Memory));

    let mut body_config = config();
    body_config.limit_config.max_function_body_size = 8;
    let long_body =
        wat::parse_str(r#"(module (func (drop (i64.const 1)) (drop (i64.const 2)) (drop (i64.const 3))))"#).unwrap();
    assert_eq!(prepare_contract(&long_body, &body_config), Err(PrepareError::Deserialization));
}

#[test]
fn imports_outside_env_are_rejected() {
    let text = r#"(module (import "wasi" "fd_write" (func)))"#;
    assert_eq!(prepare_wat(text), Err(PrepareError::Instantiate));
    let internal = r#"(module (import "internal" "finite_wasm_gas" (func (param i64))))"#;
    assert_eq!(prepare_wat(internal), Err(PrepareError::Instantiate), "contracts cannot reach the instrumentation");
}

#[test]
fn custom_sections_are_dropped_when_configured() {
    let code = wat::parse_str(r#"(module (@custom "note" "hello") (func (export "f")))"#).unwrap();
    let has_custom = |code: &[u8]| Parser::new(0).parse_all(code).any(|p| matches!(p, Ok(Payload::CustomSection(_))));
    assert!(has_custom(&code));
    assert!(!has_custom(&prepare_contract(&code, &config()).unwrap().code));
    let mut keep = config();
    keep.discard_custom_sections = false;
    assert!(has_custom(&prepare_contract(&code, &keep).unwrap().code));
}

#[test]
fn preparation_is_deterministic() {
    let a = prepare_wat(RUSTC_STYLE).unwrap();
    let b = prepare_wat(RUSTC_STYLE).unwrap();
    assert_eq!(a, b);
}

/// The version of each crate that shapes the prepared bytes, as `Cargo.lock` resolves it for
/// near-vm-runner.
fn locked_dependency_version(lock: &str, name: &str) -> Option<String> {
    let packages: Vec<&str> = lock.split("[[package]]").collect();
    let runner = packages.iter().find(|p| p.contains("name = \"near-vm-runner\""))?;
    let field = |block: &str, key: &str| {
        block.lines().find_map(|l| l.strip_prefix(&format!("{key} = \"")).map(|v| v.trim_end_matches('"').to_string()))
    };
    for line in runner.lines() {
        let entry = line.trim().trim_matches(|c| c == '"' || c == ',');
        if let Some(version) = entry.strip_prefix(&format!("{name} ")) {
            return Some(version.to_string());
        }
        if entry == name {
            let mut versions = packages.iter().filter(|p| field(p, "name").as_deref() == Some(name));
            return versions.next().and_then(|p| field(p, "version"));
        }
    }
    None
}

#[test]
fn preparation_version_matches_the_locked_dependencies() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
    for (name, pinned) in crate::prepare::PREPARATION_DEPENDENCIES {
        let locked = locked_dependency_version(&lock, name);
        assert_eq!(
            locked.as_deref(),
            Some(*pinned),
            "{name} changed version: update PREPARATION_DEPENDENCIES and bump PREPARATION_VERSION"
        );
    }
    let fingerprint = crate::prepare::preparation_fingerprint();
    let (version, source_hash) = fingerprint.split_once(':').unwrap();
    assert_eq!(version, crate::prepare::PREPARATION_VERSION.to_string());
    assert!(source_hash.len() == 64 && source_hash.bytes().all(|b| b.is_ascii_hexdigit()), "{source_hash}");
}

const HOSTED: ImportPolicy<'static> =
    ImportPolicy { module: "hv", functions: Some(&["invoke", "gas_left"]), memory: MemoryPolicy::Own };

fn prepare_hosted(text: &str) -> Result<PreparedContract, PrepareError> {
    prepare_with_policy(&wat::parse_str(text).unwrap(), &config(), &HOSTED)
}

/// `(initial, maximum)` of the memory section's memories, and whether `memory` is exported.
fn own_memories(code: &[u8]) -> (Vec<(u64, Option<u64>)>, bool) {
    own_memories_named(code, "memory")
}

/// `(initial, maximum)` of the memory section's memories, and whether one is exported as `name`.
fn own_memories_named(code: &[u8], name: &str) -> (Vec<(u64, Option<u64>)>, bool) {
    let (mut memories, mut exported) = (Vec::new(), false);
    for payload in Parser::new(0).parse_all(code) {
        match payload.unwrap() {
            Payload::MemorySection(reader) => memories.extend(reader.into_iter().map(|m| {
                let m = m.unwrap();
                (m.initial, m.maximum)
            })),
            Payload::ExportSection(reader) => {
                exported |= reader.into_iter().any(|e| {
                    let e = e.unwrap();
                    e.name == name && e.kind == wasmparser::ExternalKind::Memory
                });
            }
            _ => {}
        }
    }
    (memories, exported)
}

#[test]
fn an_import_policy_names_the_module_and_functions_and_own_memory_is_kept_and_capped() {
    let max = u64::from(config().limit_config.max_memory_pages);
    let text = r#"(module (import "hv" "invoke" (func (param i32) (result i32)))
        (memory (export "memory") 17 60000) (func (export "main")) (data (i32.const 0) "hi"))"#;
    let prepared = prepare_hosted(text).unwrap();
    assert_eq!(prepared.env_imports, vec!["invoke".to_string()]);
    assert_eq!(own_memories(&prepared.code), (vec![(17, Some(max))], true), "declared size, capped maximum");
    assert!(imports(&prepared.code).iter().all(|(_, _, kind)| kind != "memory"));
    wasmparser::Validator::new_with_features(validate::prepared_features()).validate_all(&prepared.code).unwrap();
    // No memory at all: one is added and exported; an unexported memory gets exported.
    let initial = u64::from(config().limit_config.initial_memory_pages).min(max);
    let none = prepare_hosted(r#"(module (func (export "main")) (start 0))"#).unwrap();
    assert_eq!(own_memories(&none.code), (vec![(initial, Some(max))], true));
    let unexported = prepare_hosted(r#"(module (memory 2) (func (export "main")))"#).unwrap();
    assert_eq!(own_memories(&unexported.code), (vec![(2, Some(max))], true));
    wasmparser::Validator::new_with_features(validate::prepared_features()).validate_all(&none.code).unwrap();
    // What the policy refuses.
    let other = r#"(module (import "env" "input" (func (param i64))))"#;
    assert_eq!(prepare_hosted(other), Err(PrepareError::Instantiate), "functions only from the policy's module");
    let forbidden = r#"(module (import "hv" "launch_missiles" (func)))"#;
    assert_eq!(prepare_hosted(forbidden), Err(PrepareError::ForbiddenImport { name: "launch_missiles".into() }));
    let memory_import = r#"(module (import "env" "memory" (memory 1)))"#;
    assert_eq!(prepare_hosted(memory_import), Err(PrepareError::Instantiate), "own memory: no memory import");
    let too_big = format!(r#"(module (memory {}))"#, max + 1);
    assert_eq!(prepare_hosted(&too_big), Err(PrepareError::Memory));
}

/// A module prepared for a host that instantiates it per call (its own memory, `env` imports).
fn prepare_own(text: &str) -> Vec<u8> {
    let policy = ImportPolicy { module: "env", functions: None, memory: MemoryPolicy::Own };
    prepare_with_policy(&wat::parse_str(text).unwrap(), &config(), &policy).unwrap().code
}

#[test]
fn write_tracking_adds_a_write_map_and_the_globals_functions() {
    let max = u64::from(config().limit_config.max_memory_pages) * 65_536;
    let tracked = track_writes(&prepare_own(RUSTC_STYLE), max, "main").unwrap().expect("reusable");
    assert_eq!(tracked.map_len, (max >> WRITE_GRANULE_SHIFT) as usize + 1);
    wasmparser::Validator::new_with_features(validate::prepared_features() | wasmparser::WasmFeatures::MULTI_MEMORY)
        .validate_all(&tracked.code)
        .unwrap();
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(&tracked.code) {
        if let Payload::ExportSection(reader) = payload.unwrap() {
            exports.extend(reader.into_iter().map(|export| export.unwrap().name.to_string()));
        }
    }
    for name in [WRITE_MAP_EXPORT, SAVE_GLOBALS_EXPORT, ENTRY_EXPORT, GAS_EXPORT, "memory", "main"] {
        assert!(exports.iter().any(|export| export == name), "{name} in {exports:?}");
    }
}

#[test]
fn write_tracking_refuses_what_a_restore_cannot_undo() {
    let max = 1 << 20;
    let untracked = [
        "(table 1 funcref) (func (export \"f\") (table.set 0 (i32.const 0) (ref.null func)))",
        "(table 1 funcref) (func (export \"f\") (drop (table.grow 0 (ref.null func) (i32.const 1))))",
        "(data \"x\") (func (export \"f\") (data.drop 0))",
        "(global (mut funcref) (ref.null func)) (func (export \"f\"))",
    ];
    for body in untracked {
        let code = prepare_own(&format!("(module (memory 1) {body})"));
        assert_eq!(track_writes(&code, max, "f"), Ok(None), "{body}");
    }
    let plain = prepare_own("(module (memory 1) (func (export \"f\")))");
    assert!(track_writes(&plain, max, "f").unwrap().is_some());
    assert_eq!(track_writes(&plain, max, "missing"), Ok(None), "no entry, no reuse");
    let taken = prepare_own("(module (memory 1) (func (export \"f\")) (func (export \"\\00writes\")))");
    assert_eq!(track_writes(&taken, max, "f"), Err(PrepareError::Instantiate));
    assert_eq!(track_writes(b"not wasm", max, "f"), Err(PrepareError::Deserialization));
}
