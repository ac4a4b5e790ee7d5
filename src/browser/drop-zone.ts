/**
 * Drag and drop onto a zone of the page, with the zone's file input as the keyboard and
 * click route to the same files: both end in one callback with the chosen files.
 */

/** A file the page read: its bytes and its name (for messages). */
export interface ChosenFile {
  readonly bytes: Uint8Array;
  readonly name: string;
}

async function read(files: FileList | null | undefined, multiple: boolean): Promise<ChosenFile[]> {
  const list = files === null || files === undefined ? [] : [...files];
  const chosen = multiple ? list : list.slice(0, 1);
  return Promise.all(chosen.map(async (f) => ({ bytes: new Uint8Array(await f.arrayBuffer()), name: f.name })));
}

/**
 * Makes `zone` accept dropped files and wires `input` (type=file inside or beside it) to
 * the same handler. While files are dragged over it, the zone has the class 'dragging'.
 * A drop with several files passes them all only when the input is `multiple`.
 */
export function attachDropZone(zone: HTMLElement, input: HTMLInputElement, onFiles: (files: ChosenFile[]) => void): void {
  input.addEventListener('change', () => {
    void read(input.files, input.multiple).then((files) => {
      // Reset, so choosing the same file again still fires 'change'.
      input.value = '';
      if (files.length > 0) onFiles(files);
    });
  });
  zone.addEventListener('dragover', (ev) => {
    // Without preventDefault the browser would open the dropped file instead.
    ev.preventDefault();
    if (ev.dataTransfer !== null) ev.dataTransfer.dropEffect = 'copy';
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('dragging');
    void read(ev.dataTransfer?.files, input.multiple).then((files) => {
      if (files.length > 0) onFiles(files);
    });
  });
}
