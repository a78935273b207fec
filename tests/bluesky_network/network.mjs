// A real local Bluesky network for amity's tests: @atproto/dev-env's TestNetwork (PLC directory,
// PDS, AppView and their helpers in this one process) plus a small CONTROL server that any process
// drives with JSON POSTs to create accounts and content.
//
// Needs Node 22 or newer, REDIS_HOST=host:port in the environment and the PostgreSQL URL as the
// first argument (`node network.mjs postgresql://postgres@127.0.0.1:PORT/postgres`). Every server
// listens on 127.0.0.1 only. When ready it prints ONE JSON line on stdout:
//   {"service": PDS url, "plc": PLC url, "appview": AppView url, "control": control url}
// and runs until its standard input closes or it gets SIGTERM/SIGINT. README.md lists the commands.

import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'

// Bind every server that names no host (dev-env's all do) to loopback, never to all interfaces.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function loopbackListen(...args) {
  const [first] = args
  if (typeof first === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1')
  } else if (first && typeof first === 'object' && first.path === undefined && !first.host) {
    args[0] = { ...first, host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}

const { AtpAgent } = await import('@atproto/api')
const { TestNetwork } = await import('@atproto/dev-env')

const POST = 'app.bsky.feed.post'

/** An error the control server answers with HTTP 400 (the request was wrong), not 500. */
class BadRequest extends Error {}

const randomName = (bytes) => randomBytes(bytes).toString('hex')

/** Split an at:// URI into the repository, collection and record key. */
const parseUri = (uri) => {
  const match = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri ?? '')
  if (!match) throw new BadRequest(`not an at:// record URI: ${uri}`)
  return { repo: match[1], collection: match[2], rkey: match[3] }
}

const need = (value, name) => {
  if (value === undefined || value === null || value === '') {
    throw new BadRequest(`missing "${name}"`)
  }
  return value
}

const byteLength = (text) => Buffer.byteLength(text, 'utf8')

/**
 * Rich-text facets for mentions (`@handle`) and links in `text`, with UTF-8 byte offsets. Any
 * mention or link not yet in the text is appended to it first; returns the final text too.
 */
const richText = (text, mentions, links) => {
  let full = text
  const spans = []
  const place = (needle, feature) => {
    let at = full.indexOf(needle)
    if (at < 0) {
      full = full.length ? `${full} ${needle}` : needle
      at = full.length - needle.length
    }
    const byteStart = byteLength(full.slice(0, at))
    const byteEnd = byteStart + byteLength(needle)
    spans.push({ index: { byteStart, byteEnd }, features: [feature] })
  }
  for (const { did, handle } of mentions) {
    place(`@${handle}`, { $type: 'app.bsky.richtext.facet#mention', did })
  }
  for (const uri of links) place(uri, { $type: 'app.bsky.richtext.facet#link', uri })
  spans.sort((a, b) => a.index.byteStart - b.index.byteStart)
  return { text: full, facets: spans }
}

/** The network, the control server's state and every command it answers. */
class Control {
  constructor(network) {
    this.network = network
    /** did -> { agent, handle } for every account made through this server. */
    this.accounts = new Map()
  }

  agentFor(did) {
    const account = this.accounts.get(did)
    if (!account) throw new BadRequest(`no account made through this network has the did ${did}`)
    return account.agent
  }

  async getRecord(uri) {
    const { repo, collection, rkey } = parseUri(uri)
    const agent = new AtpAgent({ service: this.network.pds.url })
    const res = await agent.com.atproto.repo.getRecord({ repo, collection, rkey })
    return { uri: res.data.uri, cid: res.data.cid, value: res.data.value }
  }

  async strongRef(uri) {
    const { cid } = await this.getRecord(uri)
    return { uri, cid }
  }

  async createRecord(did, collection, record) {
    const res = await this.agentFor(did).com.atproto.repo.createRecord({
      repo: did,
      collection,
      record: { $type: collection, createdAt: new Date().toISOString(), ...record },
    })
    return { uri: res.data.uri, cid: res.data.cid }
  }

  // ---- commands -------------------------------------------------------------------------------

  async account({ name = 'user', password: chosen }) {
    const front = String(name).toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 11) || 'user'
    const handle = `${front}-${randomName(3)}.test`
    const password = chosen || `pw-${randomName(12)}`
    const agent = new AtpAgent({ service: this.network.pds.url })
    await agent.createAccount({ handle, password, email: `${handle}@example.com` })
    const did = agent.accountDid
    this.accounts.set(did, { agent, handle })
    const appPassword = await this.app_password({ did, name: 'amity' })
    await this.process()
    return { handle, did, password, app_password: appPassword.password }
  }

  async app_password({ did, name, privileged = false }) {
    const res = await this.agentFor(need(did, 'did')).com.atproto.server.createAppPassword({
      name: need(name, 'name'),
      privileged: Boolean(privileged),
    })
    return { name: res.data.name, password: res.data.password, privileged: Boolean(privileged) }
  }

  async revoke_app_password({ did, name }) {
    await this.agentFor(need(did, 'did')).com.atproto.server.revokeAppPassword({
      name: need(name, 'name'),
    })
    return {}
  }

  async post({ did, text = '', reply_to, quote, mentions = [], links = [], langs = ['en'] }) {
    need(did, 'did')
    const mentioned = mentions.map((mentionedDid) => {
      const account = this.accounts.get(mentionedDid)
      if (!account) throw new BadRequest(`cannot mention ${mentionedDid}: unknown account`)
      return { did: mentionedDid, handle: account.handle }
    })
    const rich = richText(text, mentioned, links)
    const record = { text: rich.text, langs }
    if (rich.facets.length) record.facets = rich.facets
    if (reply_to) {
      const parent = await this.getRecord(reply_to)
      const root = parent.value.reply?.root ?? { uri: parent.uri, cid: parent.cid }
      record.reply = {
        root: { uri: root.uri, cid: root.cid },
        parent: { uri: parent.uri, cid: parent.cid },
      }
    }
    if (quote) {
      record.embed = { $type: 'app.bsky.embed.record', record: await this.strongRef(quote) }
    }
    const ref = await this.createRecord(did, POST, record)
    await this.process()
    return { ...ref, author: did, text: rich.text, reply_root: record.reply?.root.uri ?? null }
  }

  async like({ did, uri }) {
    const subject = await this.strongRef(need(uri, 'uri'))
    return this.interact(did, 'app.bsky.feed.like', { subject })
  }

  /**
   * Many likes (each of ``dids`` likes each of ``uris``), indexed once at the end. One at a time:
   * the AppView pages notifications by time, and likes made in the same millisecond would share
   * a cursor.
   */
  async likes({ dids, uris }) {
    const subjects = await Promise.all(need(uris, 'uris').map((uri) => this.strongRef(uri)))
    for (const did of need(dids, 'dids')) {
      for (const subject of subjects) {
        await this.createRecord(did, 'app.bsky.feed.like', { subject })
      }
    }
    await this.process()
    return { count: dids.length * uris.length }
  }

  async repost({ did, uri }) {
    const subject = await this.strongRef(need(uri, 'uri'))
    return this.interact(did, 'app.bsky.feed.repost', { subject })
  }

  async follow({ did, subject }) {
    return this.interact(did, 'app.bsky.graph.follow', { subject: need(subject, 'subject') })
  }

  async block({ did, subject }) {
    return this.interact(did, 'app.bsky.graph.block', { subject: need(subject, 'subject') })
  }

  async interact(did, collection, record) {
    const ref = await this.createRecord(need(did, 'did'), collection, record)
    await this.process()
    const subject = typeof record.subject === 'string' ? record.subject : record.subject.uri
    return { uri: ref.uri, cid: ref.cid, author: did, subject }
  }

  async delete({ did, uri }) {
    const { repo, collection, rkey } = parseUri(need(uri, 'uri'))
    if (repo !== did) throw new BadRequest(`${uri} is not in the repository of ${did}`)
    await this.agentFor(did).com.atproto.repo.deleteRecord({ repo, collection, rkey })
    await this.process()
    return { uri }
  }

  async profile({ did, display_name: displayName, description }) {
    const agent = this.agentFor(need(did, 'did'))
    await agent.upsertProfile((existing) => ({
      ...existing,
      ...(displayName === undefined ? {} : { displayName }),
      ...(description === undefined ? {} : { description }),
    }))
    await this.process()
    return { uri: `at://${did}/app.bsky.actor.profile/self` }
  }

  async process() {
    await this.network.processAll()
    return {}
  }

  async export_repo({ did, path }) {
    const agent = new AtpAgent({ service: this.network.pds.url })
    const res = await agent.com.atproto.sync.getRepo({ did: need(did, 'did') })
    const bytes = Buffer.from(res.data)
    if (path) {
      await writeFile(path, bytes)
      return { path, size: bytes.length }
    }
    return { car_base64: bytes.toString('base64'), size: bytes.length }
  }

  async notifications({ did }) {
    const agent = this.agentFor(need(did, 'did'))
    const notifications = []
    let cursor
    do {
      const res = await agent.app.bsky.notification.listNotifications({ limit: 100, cursor })
      notifications.push(...res.data.notifications)
      cursor = res.data.notifications.length ? res.data.cursor : undefined
    } while (cursor)
    return { notifications }
  }

  async thread({ did, uri, depth = 10 }) {
    const agent = this.agentFor(need(did, 'did'))
    const res = await agent.app.bsky.feed.getPostThread({ uri: need(uri, 'uri'), depth })
    return res.data
  }

  /**
   * The standard scenario, with fresh accounts: one user (the one amity connects, with an app
   * password) and four friends talking with them. Returns everything it made, and the
   * notifications the user should find, one per (reason, author, record).
   */
  async scenario() {
    const names = ['me', 'ana', 'ben', 'cai', 'dee']
    const people = await Promise.all(names.map((name) => this.account({ name })))
    const [user, ana, ben, cai, dee] = people
    const displayNames = {
      [user.did]: 'Sam Quinn',
      [ana.did]: 'Ana Alves',
      [ben.did]: 'Ben Brook',
      [cai.did]: 'Cai Chen',
      [dee.did]: 'Dee Diaz',
    }
    await Promise.all(
      people.map((person) =>
        this.profile({
          did: person.did,
          display_name: displayNames[person.did],
          description: `${displayNames[person.did]} on the amity test network.`,
        }),
      ),
    )
    const expected = []
    const notify = (reason, author, uri, reasonSubject = null) =>
      expected.push({ reason, author: author.did, uri, reason_subject: reasonSubject })

    // Friends follow the user; the user follows two of them back.
    const follows = []
    for (const friend of [ana, ben, cai, dee]) {
      const follow = await this.follow({ did: friend.did, subject: user.did })
      follows.push(follow)
      notify('follow', friend, follow.uri)
    }
    const followsBack = []
    for (const friend of [ana, ben]) {
      followsBack.push(await this.follow({ did: user.did, subject: friend.did }))
    }

    // A question, answered in a thread: two direct replies, a reply to a reply, the user
    // answering one of them and that friend answering back.
    const question = await this.post({
      did: user.did,
      text: 'Which notebook do you use for field notes? Paper or an app?',
    })
    const anaReply = await this.post({
      did: ana.did,
      text: 'Paper, always: a small grid one.',
      reply_to: question.uri,
    })
    notify('reply', ana, anaReply.uri, question.uri)
    const benReply = await this.post({
      did: ben.did,
      text: 'An app, it syncs everywhere.',
      reply_to: question.uri,
    })
    notify('reply', ben, benReply.uri, question.uri)
    const caiNested = await this.post({
      did: cai.did,
      text: 'Grid paper is the best, agreed with Ana.',
      reply_to: anaReply.uri,
    })
    notify('reply', cai, caiNested.uri, question.uri) // the user is the thread's root author
    const userAnswer = await this.post({
      did: user.did,
      text: 'Which app, Ben?',
      reply_to: benReply.uri,
    })
    const benAgain = await this.post({
      did: ben.did,
      text: 'A plain markdown one.',
      reply_to: userAnswer.uri,
    })
    notify('reply', ben, benAgain.uri, userAnswer.uri)

    // The user's announcement (mentioning Ana, with a link), quoted, liked and reposted.
    const announcement = await this.post({
      did: user.did,
      text: 'Notes from the meetup, written up with',
      mentions: [ana.did],
      links: ['https://example.com/meetup-notes'],
    })
    const quote = await this.post({ did: cai.did, text: 'Worth reading:', quote: announcement.uri })
    notify('quote', cai, quote.uri, announcement.uri)
    const mention = await this.post({
      did: dee.did,
      text: 'Great talk today, thank you',
      mentions: [user.did],
    })
    notify('mention', dee, mention.uri)

    const likes = []
    for (const [friend, post] of [[ana, question], [ben, question], [dee, announcement]]) {
      const like = await this.like({ did: friend.did, uri: post.uri })
      likes.push(like)
      notify('like', friend, like.uri, post.uri)
    }
    const reposts = []
    for (const [friend, post] of [[ana, announcement], [cai, question]]) {
      const repost = await this.repost({ did: friend.did, uri: post.uri })
      reposts.push(repost)
      notify('repost', friend, repost.uri, post.uri)
    }

    const unanswered = await this.post({ did: user.did, text: 'Anyone up for a walk on Sunday?' })
    const friendPost = await this.post({
      did: ana.did,
      text: 'Back from the mountains, photos soon.',
    })
    await this.process()

    const counts = {}
    for (const { reason } of expected) counts[reason] = (counts[reason] ?? 0) + 1
    return {
      user,
      friends: [ana, ben, cai, dee],
      display_names: displayNames,
      question,
      replies: [anaReply, benReply, caiNested, userAnswer, benAgain],
      user_answer: userAnswer,
      announcement,
      quote,
      mention,
      unanswered,
      friend_posts: [friendPost],
      likes,
      reposts,
      follows,
      follows_back: followsBack,
      expected_notifications: expected,
      expected_counts: counts,
    }
  }
}

// ---- the process ------------------------------------------------------------------------------

const dbPostgresUrl = process.argv[2]
if (!dbPostgresUrl || !process.env.REDIS_HOST) {
  console.error('usage: REDIS_HOST=host:port node network.mjs postgresql://USER@HOST:PORT/DB')
  process.exit(2)
}
// A fresh schema name of letters and underscores only: bsync rejects digits in schema names.
const schema = `amity_${randomBytes(8).toString('hex').replace(/\d/g, (d) => 'ghijklmnop'[d])}`
const network = await TestNetwork.create({
  dbPostgresUrl,
  dbPostgresSchema: schema,
})
const control = new Control(network)
const COMMANDS = new Set([
  'account', 'app_password', 'revoke_app_password', 'post', 'like', 'likes', 'repost', 'follow',
  'block',
  'delete', 'profile', 'process', 'export_repo', 'notifications', 'thread', 'scenario',
])

const server = http.createServer(async (req, res) => {
  const answer = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const command = req.url.replace(/^\//, '')
  if (req.method !== 'POST' || !COMMANDS.has(command)) {
    answer(404, { error: `no such command: ${req.method} ${req.url}` })
    return
  }
  try {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const text = Buffer.concat(chunks).toString('utf8')
    const body = text ? JSON.parse(text) : {}
    answer(200, await control[command](body))
  } catch (err) {
    const status = err instanceof BadRequest || err instanceof SyntaxError ? 400 : 500
    answer(status, { error: `${command}: ${err?.message ?? err}` })
  }
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))

let closing = false
const shutdown = async () => {
  if (closing) return
  closing = true
  server.close()
  server.closeAllConnections()
  try {
    await network.close()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
process.stdin.on('end', shutdown)
process.stdin.on('error', shutdown)
process.stdin.resume()

process.stdout.write(
  `${JSON.stringify({
    service: network.pds.url,
    plc: network.plc.url,
    appview: network.bsky.url,
    control: `http://127.0.0.1:${server.address().port}`,
  })}\n`,
)
