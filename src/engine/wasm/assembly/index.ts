// The WebAssembly kernels of ScopePilot's hot pixel loops (built by `npm run build`, loaded by
// src/engine/wasm/kernels.ts). AssemblyScript: typed loads and stores on one linear memory.
export { release, scratch } from './memory';
export { binomialF32, binomialU16 } from './smooth';
export { distancesF64, distancesI32, edtF64, edtI32 } from './distance';
export { fillHoles, labelAreas, maxLabel, relabel, watershedLevels } from './flood';
export { labelPeaks, neckSaddles, relabelRoots } from './merge';
export { distanceLevelsF64, distanceLevelsI32, foregroundSums, localMaxima, windowMaxima } from './foreground';
export { sqrtHistogram, valueRangeF32 } from './histogram';
export { componentPeaks } from './components';
export { goertzelCols, goertzelRows } from './spectrum';
export { blurCols, blurRows } from './gaussian';
