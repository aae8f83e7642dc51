/** `witgen upgrade`: a legacy `extern "C"` core module + its WIT world → a real component. */
export { upgradeLegacy, type UpgradeOptions, type UpgradeResult } from './upgrade.js';
export { UpgradeError, type UpgradeErrorCode } from './errors.js';
