export {
  type ChecklistItem,
  type ChecklistOptions,
  formatChecklistItem,
  runChecklist,
} from './checklist.ts';
