// GGUF files: reading a header without trusting it, writing one, and the project's own demo model.
// No model runtime here: the CLI checks files with it, the embedded runtime before it loads one.
export { GgufValueType } from './gguf-format.js';
export { GgufFileError, readGgufHeader, type GgufFileProblem, type GgufHeader, type GgufMetadataValue, type GgufTensorInfo } from './gguf-reader.js';
export { writeGguf, type GgufTensor, type GgufWritableValue } from './gguf-writer.js';
export { DEMO_MODEL, buildDemoModel } from './demo-model.js';
export { sha256OfFile } from './file-digest.js';
export { ModelFiles, isPlainRelativePath, type ModelFileCheck, type ModelFileProblem } from './model-files.js';
