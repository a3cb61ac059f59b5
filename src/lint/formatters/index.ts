export { formatGithub, type GithubOptions } from './github.ts';
export { formatJson } from './json.ts';
export { formatJunit, xmlEscape } from './junit.ts';
export { formatSarif, type SarifOptions } from './sarif.ts';
export { formatText, summaryLine, type TextOptions } from './text.ts';
