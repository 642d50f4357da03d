/**
 * The id of the story body (the editor's contenteditable): the story page's skip link leads there.
 * Its own module, so the page frame (which loads no editor) can name it.
 */
export const STORY_BODY_ID = 'story-body'
