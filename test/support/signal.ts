/**
 * A promise and the function that settles it (Promise.withResolvers, which Node 20 lacks): for tests
 * that hold one transaction open, at a known point, while another runs beside it.
 */
export function signal(): { given: Promise<void>; give: () => void } {
  let give = () => {}
  const given = new Promise<void>((resolve) => {
    give = resolve
  })
  return { given, give }
}
