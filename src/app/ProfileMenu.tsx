import { useProfile } from '../store/profile'

/** Your name as collaborators see it beside your caret. */
export function ProfileMenu() {
  const name = useProfile((state) => state.name)
  const color = useProfile((state) => state.color)
  const setName = useProfile((state) => state.setName)
  return (
    <div className="profile">
      <span className="dot" style={{ backgroundColor: color }} aria-hidden="true" />
      <input className="profile__name" aria-label="Your name" value={name} onChange={(event) => setName(event.target.value)} />
    </div>
  )
}
