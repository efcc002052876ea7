// The live tail asks, before it adds records at the top, whether the reader has scrolled down the page: then it
// holds them back, so the rows being read do not move.
export function scrolledDown() {
    const body = document.querySelector('.console-body');
    return (body?.scrollTop ?? 0) > 40 || window.scrollY > 40;
}

export function toTop() {
    document.querySelector('.console-body')?.scrollTo({ top: 0 });
    window.scrollTo({ top: 0 });
}
