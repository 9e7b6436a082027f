// ImageJ's classic nucleus pipeline, the reference ScopePilot is compared with.
// Run: xvfb-run -a java -jar /usr/share/java/ij.jar -batch imagej_segment.ijm "IMAGES_DIR,OUT_DIR"
// For every .tif/.png: Gaussian blur (sigma 2), Otsu (dark background), fill holes, binary
// watershed, Analyze Particles (size >= 10 px) -> "Count Masks" saved as a 16-bit label TIFF.
args = split(getArgument(), ",");
src = args[0];
out = args[1];
if (!endsWith(src, "/")) src = src + "/";
if (!endsWith(out, "/")) out = out + "/";
File.makeDirectory(out);
setBatchMode(true);
setOption("BlackBackground", true);
list = getFileList(src);
for (i = 0; i < list.length; i++) {
  name = list[i];
  lower = toLowerCase(name);
  if (!(endsWith(lower, ".tif") || endsWith(lower, ".tiff") || endsWith(lower, ".png"))) continue;
  open(src + name);
  if (bitDepth() == 24) run("8-bit");
  run("Gaussian Blur...", "sigma=2");
  setAutoThreshold("Otsu dark");
  run("Convert to Mask");
  run("Fill Holes");
  run("Watershed");
  run("Analyze Particles...", "size=10-Infinity pixel show=[Count Masks] clear");
  stem = substring(name, 0, lastIndexOf(name, "."));
  saveAs("Tiff", out + stem + ".tif");
  close("*");
}
