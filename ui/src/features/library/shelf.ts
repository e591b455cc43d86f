//! Favourites and archive marks. The API has no library-agent records yet, so they are kept in
//! this browser's storage, per signed-in user once accounts exist.
import { create } from "zustand";
import { persist } from "zustand/middleware";

interface Shelf {
  favourites: string[];
  archived: string[];
  toggle(list: "favourites" | "archived", id: string): void;
}

export const useShelf = create<Shelf>()(
  persist(
    (set) => ({
      favourites: [],
      archived: [],
      toggle: (list, id) =>
        set((s) => ({ [list]: s[list].includes(id) ? s[list].filter((x) => x !== id) : [...s[list], id] })),
    }),
    { name: "agentry.shelf" },
  ),
);
