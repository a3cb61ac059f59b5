export { transactionEscape } from './escape.ts';
export {
  type FileResult,
  runTestFile,
  runTestFiles,
  TestSetupError,
} from './files.ts';
export { tapJunit } from './junit.ts';
export { parseTap, runTap, type TapResult } from './tap.ts';
