/** The options of a "pick a person" select: an empty choice, then each person by name. */
export function UserOptions({ people, empty = 'Unassigned' }: { people: ReadonlyArray<{ id: number; name: string }>; empty?: string }) {
  return (
    <>
      <option value="">{empty}</option>
      {people.map((person) => (
        <option key={person.id} value={person.id}>
          {person.name}
        </option>
      ))}
    </>
  )
}
