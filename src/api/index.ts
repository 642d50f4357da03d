/**
 * The browser's API client: one typed function per route the app uses (the session cookie rides
 * along; failures reject with `ApiFailure` and the server's plain message). Import from here.
 */
export { ApiFailure } from './client'
export { addPart, moveStory, removePart, retryDelivery, storyHistory, storyPublications, updateDesk, updatePart, type DeskChange } from './desk'
export { addDictionaryWord, getDictionary, removeDictionaryWord, setStyleRule } from './dictionary'
export { deleteComment, editComment, listNotifications, listThreads, markNotificationRead, replyToThread, resolveThread, startThread, type PassageBody } from './comments'
export { addSection, createUser, listSections, listUsers, removeSection, updateUser } from './newsroom'
export { currentUser, needsSetup, setUp, signIn, signOut } from './session'
export { createStory, DOCX_TYPE, exportUrl, importStory, importStoryFile, listStories, openStoryEvents, searchStories } from './stories'
export { listDecisions, type DecisionView } from './suggestions'
export { compareVersions, listVersions, nameVersion, restoreVersion } from './versions'
