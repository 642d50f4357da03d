/**
 * What the story page loads on demand, in one chunk: the History tab, the Review tab's suggestion
 * list, comment threads, comment composer and copy desk panel, the copy desk's menu of a marked
 * word and its checking (the checks' worker must start and answer before any mark is drawn
 * anyway), issue 12. None of it is needed
 * to show the story and type in it, and the first of them to be wanted loads them all: with
 * checks on, that is as soon as the editor is there. The reopen dialog stays with the page: split
 * off, it saved nothing measurable.
 *
 * One module on purpose: Rolldown (Vite's bundler) moves the modules a lazily loaded page shares
 * with two or more of its own dynamic imports into a separate common chunk instead of the page's
 * chunk (rolldown/rolldown#10731), and the story page would then load its libraries in two files,
 * which compress worse than one. Every dynamic import under the story page imports this module.
 */
export { HistoryTab } from './HistoryTab'
export { ReviewTools } from './ReviewTools'
export { IssueMenu } from '../review/copydesk/IssueMenu'
export { CommentThread } from '../review/comments/CommentThread'
export { CommentComposer } from '../review/comments/CommentComposer'
export { storyCopyDeskEngine } from '../review/copydesk/storyCopyDeskEngine'
