/**
 * The menu of a marked word (issue 13) as the story editor mounts it: nothing until a word's menu
 * first opens (a click on the word, or Ctrl/⌘+.), then the menu itself (IssueMenu.tsx), whose code
 * is loaded then, with the story page's other on-demand code (issue 12). Once loaded it stays
 * mounted, as the menu always was. The menu's state lives in the copy desk's plugin, so a menu
 * opened while its code loads shows as soon as it is here.
 */
import { lazy, useState } from 'react'
import { useEditorState } from '@tiptap/react'
import { copyDeskState } from './CopyDesk'
import type { IssueMenuProps } from './IssueMenu'
import { OnDemand } from '../../ui/OnDemand'
// The marks in the story as well as the menu: loaded with the editor.
import './copydesk.css'

const IssueMenu = lazy(() => import('../../story/onDemand').then((module) => ({ default: module.IssueMenu })))

export function CopyDeskMenu({ editor, container }: IssueMenuProps) {
  const open = useEditorState({ editor, selector: ({ editor: e }) => copyDeskState(e.state).menu !== null })
  const [wanted, setWanted] = useState(false)
  if (open && !wanted) setWanted(true)
  if (!wanted) return null
  return (
    <OnDemand fallback={null} what="the word's menu">
      <IssueMenu editor={editor} container={container} />
    </OnDemand>
  )
}
