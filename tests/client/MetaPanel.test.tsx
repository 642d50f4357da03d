import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { MetaPanel } from '../../src/panel/MetaPanel'
import { useReview } from '../../src/review/comments/reviewStore'
import type { Status } from '../../src/shared/newsroom'
import { getBody, getBylines, getDatelineMap, getMeta, getMetaText, initStoryDoc, readMeta } from '../../src/shared/storyDoc'
import { useEditorUi } from '../../src/store/ui'

function story(init: Parameters<typeof initStoryDoc>[1] = {}): Y.Doc {
  const doc = new Y.Doc()
  initStoryDoc(doc, init)
  return doc
}

describe('metadata panel', () => {
  it('binds the headline both ways, with a counter against 64', () => {
    const doc = story({ headline: 'Talks stall' })
    render(<MetaPanel doc={doc} />)
    const headline = screen.getByLabelText('Headline') as HTMLTextAreaElement
    expect(headline.value).toBe('Talks stall')
    expect(screen.getByText('11/64')).toBeTruthy()

    fireEvent.change(headline, { target: { value: 'Syria talks stall' } })
    expect(getMetaText(doc, 'headline')?.toString()).toBe('Syria talks stall')

    act(() => getMetaText(doc, 'headline')?.insert(17, ' again'))
    expect(headline.value).toBe('Syria talks stall again')

    act(() => getMetaText(doc, 'headline')?.insert(0, 'x'.repeat(50)))
    expect(headline.getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByText(/over/)).toBeTruthy()
  })

  it('edits the headline minimally so a collaborator keeps their characters', () => {
    const doc = story({ headline: 'Talks stall' })
    const remote = new Y.Doc()
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc))
    render(<MetaPanel doc={doc} />)
    // Remote inserts at the start while we type at the end; both survive the merge.
    getMetaText(remote, 'headline')?.insert(0, 'Syria ')
    fireEvent.change(screen.getByLabelText('Headline'), { target: { value: 'Talks stall again' } })
    act(() => {
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)))
    })
    expect(readMeta(doc).headline).toBe('Syria Talks stall again')
  })

  it('writes the slug in newsroom shorthand with a counter against 24', () => {
    const doc = story()
    render(<MetaPanel doc={doc} />)
    fireEvent.change(screen.getByLabelText('Slug'), { target: { value: 'syria talks' } })
    expect(readMeta(doc).slug).toBe('SYRIA-TALKS')
    expect(screen.getByText('11/24')).toBeTruthy()
  })

  it('shows desk fields live and changes them only through the desk actions', () => {
    const doc = story()
    const desk = {
      sections: ['News', 'World', 'Sports'],
      canSetDesk: true,
      statusOptions: ['in_edit' as const],
      setSection: vi.fn<(section: string) => void>(),
      setPlannedWords: vi.fn<(words: number | null) => void>(),
      moveStatus: vi.fn<(to: Status) => void>(),
    }
    render(<MetaPanel doc={doc} desk={desk} />)
    fireEvent.change(screen.getByLabelText('Section'), { target: { value: 'World' } })
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'in_edit' } })
    const planned = screen.getByLabelText('Planned words')
    fireEvent.change(planned, { target: { value: '700' } })
    expect(desk.setPlannedWords).not.toHaveBeenCalled()
    fireEvent.blur(planned)
    expect(desk.setSection).toHaveBeenCalledWith('World')
    expect(desk.moveStatus).toHaveBeenCalledWith('in_edit')
    expect(desk.setPlannedWords).toHaveBeenCalledWith(700)
    // The panel never writes desk fields into the document itself: the server does.
    expect(readMeta(doc)).toMatchObject({ section: '', status: 'draft', plannedWords: null })

    act(() => {
      getMeta(doc).set('section', 'Sports')
      getMeta(doc).set('status', 'in_edit')
      getMeta(doc).set('plannedWords', 400)
    })
    expect((screen.getByLabelText('Section') as HTMLSelectElement).value).toBe('Sports')
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('in_edit')
    expect((screen.getByLabelText('Planned words') as HTMLInputElement).value).toBe('400')
  })

  it('says what is wrong with a planned length beside the field, keeps what was typed and sends nothing', () => {
    const doc = story()
    const desk = { sections: ['News'], canSetDesk: true, statusOptions: [], setSection: vi.fn<(section: string) => void>(), setPlannedWords: vi.fn<(words: number | null) => void>(), moveStatus: vi.fn<(to: Status) => void>() }
    render(<MetaPanel doc={doc} desk={desk} />)
    const planned = screen.getByLabelText('Planned words') as HTMLInputElement
    fireEvent.change(planned, { target: { value: '25000' } })
    fireEvent.blur(planned)
    expect(screen.getByRole('alert').textContent).toBe('Planned length must be a whole number between 1 and 20,000 words.')
    expect(planned.getAttribute('aria-invalid')).toBe('true')
    expect(planned.getAttribute('aria-describedby')).toBe(screen.getByRole('alert').id)
    expect(planned.value).toBe('25000')
    expect(desk.setPlannedWords).not.toHaveBeenCalled()
    // Fixed, it goes; emptied on purpose, the plan is cleared.
    fireEvent.change(planned, { target: { value: '900' } })
    fireEvent.keyDown(planned, { key: 'Enter' })
    expect(desk.setPlannedWords).toHaveBeenLastCalledWith(900)
    expect(screen.queryByRole('alert')).toBeNull()
    act(() => {
      getMeta(doc).set('plannedWords', 900)
    })
    fireEvent.change(planned, { target: { value: '' } })
    fireEvent.blur(planned)
    expect(desk.setPlannedWords).toHaveBeenLastCalledWith(null)
  })

  it('offers only the statuses the role may move to, and no desk edits without the right', () => {
    const doc = story()
    const desk = { sections: ['News'], canSetDesk: false, statusOptions: ['in_edit' as const], setSection: vi.fn<(section: string) => void>(), setPlannedWords: vi.fn<(words: number | null) => void>(), moveStatus: vi.fn<(to: Status) => void>() }
    render(<MetaPanel doc={doc} desk={desk} />)
    const options = [...(screen.getByLabelText('Status') as HTMLSelectElement).options].map((option) => option.value)
    expect(options).toEqual(['draft', 'in_edit'])
    expect((screen.getByLabelText('Section') as HTMLSelectElement).disabled).toBe(true)
    expect((screen.getByLabelText('Planned words') as HTMLInputElement).disabled).toBe(true)
  })

  it('adds, reorders and removes byline names', () => {
    const doc = story()
    render(<MetaPanel doc={doc} />)
    const input = screen.getByLabelText('Byline')
    for (const name of ['Carol Morello', 'Karen DeYoung']) {
      fireEvent.change(input, { target: { value: name } })
      fireEvent.click(screen.getByRole('button', { name: 'Add' }))
    }
    expect(getBylines(doc)?.toArray()).toEqual(['Carol Morello', 'Karen DeYoung'])
    expect(screen.getByLabelText('Credit line as printed').textContent).toBe('By Carol Morello and Karen DeYoung')

    fireEvent.click(screen.getByRole('button', { name: 'Move Karen DeYoung up' }))
    expect(getBylines(doc)?.toArray()).toEqual(['Karen DeYoung', 'Carol Morello'])

    act(() => getBylines(doc)?.push(['Andrew Roth']))
    expect(screen.getByLabelText('Credit line as printed').textContent).toBe('By Karen DeYoung, Carol Morello and Andrew Roth')

    fireEvent.click(screen.getByRole('button', { name: 'Remove Carol Morello' }))
    const list = screen.getByRole('list', { name: 'Author names' })
    expect(within(list).getAllByRole('listitem').map((item) => item.querySelector('.byline__name')?.textContent)).toEqual([
      'Karen DeYoung',
      'Andrew Roth',
    ])
  })

  it('renders the AP dateline live from its parts', () => {
    const doc = story({ dateline: { city: 'HANGZHOU', country: 'China' } })
    render(<MetaPanel doc={doc} />)
    const preview = screen.getByLabelText('Dateline preview')
    expect(preview.textContent).toBe('HANGZHOU, China —')
    fireEvent.change(screen.getByLabelText('Dateline date'), { target: { value: '2016-09-04' } })
    fireEvent.change(screen.getByLabelText('Dateline source'), { target: { value: 'AP' } })
    expect(preview.textContent).toBe('HANGZHOU, China, Sept. 4 (AP) —')
    expect(getDatelineMap(doc)?.get('date')).toBe('2016-09-04')

    act(() => getDatelineMap(doc)?.set('city', 'Washington'))
    expect((screen.getByLabelText('Dateline city') as HTMLInputElement).value).toBe('Washington')
    expect(preview.textContent).toBe('WASHINGTON, Sept. 4 (AP) —')
    for (const label of ['Dateline region', 'Dateline country']) expect(screen.getByLabelText(label)).toBeTruthy()
  })

  it('shows actual words and reading time against the plan, recounted after edits', async () => {
    const doc = story({ paragraphs: ['one two three'], plannedWords: 300 })
    render(<MetaPanel doc={doc} />)
    expect(screen.getByLabelText('Length').textContent).toMatch(/3 words of 300 planned/)
    act(() => {
      const paragraph = getBody(doc).get(0) as Y.XmlElement
      ;(paragraph.get(0) as Y.XmlText).insert(0, 'zero ')
    })
    await screen.findByText('4')
    expect(screen.getByLabelText('Length').textContent).toMatch(/4 words of 300 planned · 1 min read/)
  })

  it('disables every field when the story is read-only', () => {
    const doc = story()
    render(<MetaPanel doc={doc} disabled />)
    for (const label of ['Headline', 'Slug', 'Section', 'Status', 'Byline', 'Dateline city', 'Dateline date', 'Planned words']) {
      expect((screen.getByLabelText(label) as HTMLInputElement).disabled).toBe(true)
    }
  })
})

describe('the side panel tabs', () => {
  beforeEach(() => {
    localStorage.clear()
    useEditorUi.setState({ panelTab: 'details' })
    useReview.setState({ composer: null, activeThreadId: null, selection: null })
  })
  afterEach(() => localStorage.clear())

  function renderPanel(openComments = 0, openSuggestions = 0, copyDeskIssues = 0) {
    return render(
      <MetaPanel
        doc={story({ headline: 'Ferry fares rise' })}
        review={<p>Comment threads</p>}
        openComments={openComments}
        openSuggestions={openSuggestions}
        copyDeskIssues={copyDeskIssues}
        history={<p>Versions and status changes</p>}
      >
        <p>Assignment</p>
      </MetaPanel>,
    )
  }

  it('has Details (fields and the rest of the story details), Review with its count, and History', () => {
    renderPanel(2)
    expect(screen.getAllByRole('tab').map((tab) => tab.getAttribute('aria-label') ?? tab.textContent)).toEqual(['Details', 'Review, 2 open comments', 'History'])
    const details = screen.getByRole('tabpanel', { name: 'Details' })
    expect(within(details).getByLabelText('Headline')).toBeTruthy()
    expect(within(details).getByText('Assignment')).toBeTruthy()
    expect(screen.queryByText('Comment threads')?.closest('[role="tabpanel"]')?.hasAttribute('hidden')).toBe(true)
  })

  it('says "1 open comment" for one', () => {
    renderPanel(1)
    expect(screen.getByRole('tab', { name: 'Review, 1 open comment' })).toBeTruthy()
  })

  it('counts open suggestions on the Review tab too', () => {
    renderPanel(0, 3)
    const review = screen.getByRole('tab', { name: 'Review, 3 open suggestions' })
    expect(review.textContent).toBe('Review 3')
    cleanup()
    renderPanel(2, 1)
    // Led by the number shown, so the name holds the visible text "Review 3" (WCAG 2.5.3).
    expect(screen.getByRole('tab', { name: 'Review, 3 open: 2 comments, 1 suggestion' }).textContent).toBe('Review 3')
  })

  it('counts copy desk issues on the Review tab too', () => {
    renderPanel(0, 0, 4)
    expect(screen.getByRole('tab', { name: 'Review, 4 copy desk issues' }).textContent).toBe('Review 4')
    cleanup()
    renderPanel(1, 0, 1)
    expect(screen.getByRole('tab', { name: 'Review, 2 open: 1 comment, 1 copy desk issue' }).textContent).toBe('Review 2')
  })

  it('remembers the tab a person chooses, but not one shown for them', () => {
    renderPanel()
    fireEvent.click(screen.getByRole('tab', { name: 'History' }))
    expect(screen.getByRole('tabpanel', { name: 'History' }).textContent).toBe('Versions and status changes')
    expect(localStorage.getItem('deskline.panelTab')).toBe('history')

    act(() => useEditorUi.getState().showPanelTab('review'))
    expect(screen.getByRole('tabpanel', { name: 'Review' }).textContent).toBe('Comment threads')
    expect(localStorage.getItem('deskline.panelTab')).toBe('history')
    // The next story opens on the chosen tab again.
    act(() => useEditorUi.getState().restorePanelTab())
    expect(screen.getByRole('tabpanel', { name: 'History' })).toBeTruthy()
  })

  const selectedTab = () => screen.getAllByRole('tab').find((tab) => tab.getAttribute('aria-selected') === 'true')?.textContent

  it('switches to Review when a comment is started or a thread is opened from the margin', () => {
    renderPanel()
    const passage = { start: 'a', end: 'b', quote: 'Fares rise in May.' }
    // Nothing selected: no composer, and the panel stays where it is.
    act(() => {
      expect(useReview.getState().openComposer()).toBe(false)
    })
    expect(selectedTab()).toBe('Details')

    act(() => {
      expect(useReview.getState().openComposer(passage)).toBe(true)
    })
    expect(selectedTab()).toBe('Review')

    fireEvent.click(screen.getByRole('tab', { name: 'Details' }))
    // A click in the text puts a thread in focus without moving the panel; a margin card shows it.
    act(() => useReview.getState().setActiveThread('t1'))
    expect(selectedTab()).toBe('Details')
    act(() => useReview.getState().openThread('t2'))
    expect(selectedTab()).toBe('Review')
    expect(useReview.getState().activeThreadId).toBe('t2')
  })
})
