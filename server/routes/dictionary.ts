/**
 * The newsroom dictionary (issue 13): everyone signed in reads it and adds words (a reporter's
 * "Add to dictionary" adds it for the whole newsroom); desk chiefs and admins remove words;
 * admins turn house-style rules off and on. Every change reaches every open editor through the
 * event stream (`event: dictionary`), on every node.
 */
import { AddWordBody, isRuleId, RULE_SUMMARIES, RuleSettingBody, type DictionaryAnswer } from '../../src/shared/dictionary.js'
import { normalizeDictionaryWord } from '../../src/shared/dictionaryWord.js'
import { canRemoveDictionaryWords, canSetStyleRules } from '../../src/shared/permissions.js'
import { MAX_JSON_BYTES } from '../../src/shared/protocol.js'
import { HttpError } from '../errors.js'
import { readJson, sendJson, userOf, type Route } from '../router.js'
import type { Services } from '../services.js'

/** The dictionary routes. */
export function dictionaryRoutes(services: Services): Route[] {
  const { dictionary, events } = services
  const announce = () => events.publish({ type: 'dictionary' })

  return [
    {
      method: 'GET',
      path: /^\/api\/dictionary$/,
      access: 'user',
      async handle(ctx) {
        const answer: DictionaryAnswer = { ...(await dictionary.read()), rules: [...RULE_SUMMARIES] }
        sendJson(ctx.res, 200, answer)
      },
    },
    {
      method: 'POST',
      path: /^\/api\/dictionary$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const { word } = await readJson(ctx.req, AddWordBody, MAX_JSON_BYTES, 'invalid_word')
        const added = await dictionary.add(word, user.id)
        if (added) announce()
        sendJson(ctx.res, added ? 201 : 200, { word, added })
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/dictionary\/([^/]+)$/,
      access: 'user',
      async handle(ctx) {
        if (!canRemoveDictionaryWords(userOf(ctx))) throw new HttpError(403, 'forbidden', 'Only desk chiefs and administrators remove words from the dictionary.')
        let word: string
        try {
          word = normalizeDictionaryWord(decodeURIComponent(ctx.params[0] ?? ''))
        } catch {
          throw new HttpError(400, 'invalid_word', 'The word in the address is not valid.')
        }
        if (!(await dictionary.remove(word))) throw new HttpError(404, 'word_not_found', 'That word is not in the dictionary.')
        announce()
        sendJson(ctx.res, 200, { word, removed: true })
      },
    },
    {
      method: 'PUT',
      path: /^\/api\/dictionary\/rules\/([^/]+)$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        if (!canSetStyleRules(user)) throw new HttpError(403, 'forbidden', 'Only administrators turn house-style rules off or on.')
        const ruleId = ctx.params[0] ?? ''
        if (!isRuleId(ruleId)) throw new HttpError(404, 'rule_not_found', 'There is no such house-style rule.')
        const { enabled } = await readJson(ctx.req, RuleSettingBody, MAX_JSON_BYTES, 'invalid_rule_setting')
        if (await dictionary.setRule(ruleId, enabled, user.id)) announce()
        sendJson(ctx.res, 200, { disabledRules: (await dictionary.read()).disabledRules })
      },
    },
  ]
}
