export {
  type AuditItem,
  type AuditOptions,
  formatAuditItem,
  runAudit,
} from './checklist.ts';
